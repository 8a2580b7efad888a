// The region page's Snapshots tab: the region's snapshots, newest first, with "Take snapshot";
// a snapshot being saved shows its operation's progress, a restore on its way its own. `snapshots` is null when this control
// plane has no snapshot routes.
import { badge, h } from './ui.js';
import { snapshotTable, takeSnapshotDialog } from './snapshots.js';
import { isOpen, progress } from './op_progress.js';

// Restores on their way (downloading, loading): each with its progress.
function restoresUnderWay(operations, snapshots) {
  const open = operations.filter((o) => o.kind === 'restore' && isOpen(o));
  if (!open.length) return null;
  return h('ul', { class: 'under-way', 'aria-label': 'Restores under way' }, open.map((o) => {
    const from = snapshots.find((s) => s.id === o.spec?.snapshot_id);
    return h('li', {}, h('strong', {}, 'Restore'), ' from ', from ? `the ${from.reason} snapshot of ${new Date(from.created_at).toLocaleString()}` : `snapshot ${o.spec?.snapshot_id || ''}`,
      ' ', badge(o.state), ' ', progress(o));
  }));
}

export function snapshotsPanel(ctx, region, snapshots, operations, onChange) {
  if (snapshots === null) {
    return h('section', { class: 'card' }, h('h2', {}, 'Snapshots'),
      h('p', { class: 'muted' }, 'This control plane does not offer snapshots (no /api/v1/regions/{id}/snapshots).'));
  }
  const take = ctx.can('write') ? h('button', { type: 'button', class: 'primary', onclick: async () => {
    if (await takeSnapshotDialog(region)) onChange();
  } }, 'Take snapshot') : null;
  return h('section', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', {}, 'Snapshots'),
      h('span', { class: 'muted' }, `lifecycle ${region.lifecycle || 'persistent'} · state mode ${region.region_state_mode || 'hybrid'}`), take),
    restoresUnderWay(operations, snapshots),
    snapshotTable(snapshots, { ctx, region, operations, onChange }));
}
