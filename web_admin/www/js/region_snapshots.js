// The region page's Snapshots tab: the region's snapshots, newest first, with "Take snapshot";
// a snapshot being saved shows its operation's progress. `snapshots` is null when this control
// plane has no snapshot routes.
import { h } from './ui.js';
import { snapshotTable, takeSnapshotDialog } from './snapshots.js';

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
    snapshotTable(snapshots, { ctx, region, operations, onChange }));
}
