// How far along an operation is. Snapshot and restore operations carry the bridge's own figures
// ("progress": {"fraction", "bytes_done", "bytes_total", "phase"}, or null before it reported
// any): those get a real bar. Other open operations get the waiting bar they always had.
import { h } from './ui.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

// 1536 → "1.5 KiB": binary units, as the snapshot store counts.
export function formatBytes(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '—';
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 2 : 1)) + ' ' + UNITS[unit];
}

export const isOpen = (o) => o && (o.state === 'pending' || o.state === 'delivered');

// The reported fraction as a determinate bar with its phase and bytes; null when there is none.
export function reportedProgress(o) {
  const p = o?.progress;
  if (!p || !isOpen(o)) return null;
  const fraction = Math.max(0, Math.min(1, Number(p.fraction) || 0));
  const percent = Math.round(fraction * 100);
  const bytes = p.bytes_total ? `${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}` : '';
  return h('span', { class: 'op-progress' },
    h('span', { class: 'progress', role: 'progressbar', 'aria-label': `${o.kind} progress`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent,
      title: [p.phase, bytes].filter(Boolean).join(': ') },
    h('span', { style: { width: percent + '%' } })),
    ' ', h('span', { class: 'progress-text', 'data-testid': 'progress-text' }, [p.phase, percent + '%', bytes].filter(Boolean).join(' · ')));
}

export function progress(o) {
  const reported = reportedProgress(o);
  if (reported) return reported;
  if (o.state === 'succeeded') return h('span', { class: 'progress', title: 'done' }, h('span', { style: { width: '100%', background: 'var(--ok)' } }));
  if (o.state === 'failed') return h('span', { class: 'progress', title: 'failed' }, h('span', { style: { width: '100%', background: 'var(--bad)' } }));
  // A lazy change waits for its sync window: show how far along the wait is.
  const due = o.due_at ? Date.parse(o.due_at) : NaN;
  if (due > Date.now()) {
    const created = Date.parse(o.created_at);
    const done = Math.max(0, Math.min(1, (Date.now() - created) / Math.max(1, due - created)));
    return h('span', {}, h('span', { class: 'progress', title: 'waits for the sync window' }, h('span', { style: { width: (done * 100).toFixed(0) + '%' } })),
      ' ', h('span', { class: 'muted' }, `window in ${Math.ceil((due - Date.now()) / 1000)} s`));
  }
  return h('span', { class: 'progress indeterminate', title: o.state === 'pending' ? 'waiting for the simulator to take it' : 'the simulator is applying it' }, h('span'));
}
