// Plugins: every plugin file the control plane found (GET /api/v1/plugins), with its kind, name,
// version, ABI and status, and why it was not loaded when it was not.
import { get } from '../api.js';
import { badge, clear, emptyRow, h } from '../ui.js';

const STATUS_CLASS = { loaded: 'ok', skipped: 'muted', refused: 'bad', failed: 'bad' };

export async function render(main) {
  const items = (await get('/plugins')).items || [];
  items.sort((a, b) => (a.kind + a.name).localeCompare(b.kind + b.name));
  const heads = ['Kind', 'Name', 'Version', 'ABI', 'Status', 'Summary', 'File'];
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Plugins')),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Plugins' },
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
      h('tbody', {}, items.length ? items.map((p) => h('tr', {},
        h('td', { class: 'mono' }, p.kind || '—'), h('td', {}, p.name || '—'), h('td', { class: 'mono' }, p.version || '—'),
        h('td', { class: 'mono' }, p.abi || '—'),
        h('td', {}, h('span', { class: 'badge badge-' + (STATUS_CLASS[p.status] || 'bad') }, p.status), p.reason ? h('div', { class: 'failure' }, p.reason) : null),
        h('td', {}, p.summary || ''), h('td', { class: 'mono', title: p.file }, (p.file || '').split('/').pop())))
        : emptyRow(heads.length, 'No plugin files found.')))));
  return undefined;
}
