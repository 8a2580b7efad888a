// Deleting a region. An ephemeral region goes at once (204); a persistent or premium one first
// takes a before-delete snapshot and goes when it is complete (202 with that snapshot). A failed
// final snapshot keeps the region, and then "force" (DELETE ?force=true) deletes it without one.
import { del } from './api.js';
import { dialog, h, toast } from './ui.js';
import { inProgress } from './snapshots.js';
import { reportedProgress } from './op_progress.js';

const keepsState = (region) => region.lifecycle === 'persistent' || region.lifecycle === 'premium';

export function deleteExplanation(region) {
  if (!region.lifecycle) return `Delete ${region.name}? Its simulator tears it down; its history stays readable.`;
  if (!keepsState(region)) return `Delete ${region.name}? It is ephemeral: nothing of its state is kept (no final snapshot). Its simulator tears it down; its history stays readable.`;
  return `Delete ${region.name}? It is ${region.lifecycle}: a before-delete snapshot of its state is taken first, and the region goes only when that snapshot is complete. `
    + 'Its snapshots outlive it and can restore it into a new region. If the snapshot fails, the region is kept.';
}

// The newest before-delete snapshot when it is what the region's last delete is waiting for or
// failed on (nothing newer was taken since).
function finalSnapshot(snapshots) {
  const newest = snapshots?.[0];
  return newest?.reason === 'before-delete' ? newest : null;
}

const regionPath = (region, force) => '/regions/' + encodeURIComponent(region.id) + (force ? '?force=true' : '');

async function send(region, force) {
  const answer = await del(regionPath(region, force), { 'If-Match': `"${region.version}"` });
  // 204 has no body; 202 carries the before-delete snapshot.
  if (answer) toast(`Deleting ${region.name} after the final snapshot`, 'ok');
  else toast(`Region ${region.name} deleted`, 'ok');
  return { deleted: !answer, snapshot: answer };
}

// Resolves with {deleted, snapshot} or null when nothing was sent.
export function deleteRegionDialog(region, snapshots) {
  const failed = finalSnapshot(snapshots)?.state === 'failed' ? finalSnapshot(snapshots) : null;
  return dialog('Delete region', (close) => {
    const error = h('div', { class: 'form-error', role: 'alert' });
    const attempt = (force) => async () => {
      error.textContent = '';
      try {
        close(await send(region, force));
      } catch (e) {
        error.textContent = e.message;
        if (keepsState(region)) forceButton.hidden = false;
      }
    };
    const forceButton = h('button', { type: 'button', class: 'danger', hidden: !failed, onclick: attempt(true) }, 'Force delete (no final snapshot)');
    return h('div', {}, error,
      h('p', {}, deleteExplanation(region)),
      failed ? h('p', { class: 'failure' }, `The last final snapshot failed: ${failed.failure || 'no reason given'}. Force deletes the region without one.`) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'), forceButton,
        h('button', { type: 'button', class: 'danger', autofocus: true, onclick: attempt(false) }, 'Delete region')));
  });
}

// The notice on the region page while a delete waits for its final snapshot, or after it failed.
export function deleteBanner(ctx, region, snapshots, operations, onDone) {
  const s = finalSnapshot(snapshots);
  if (!s || (!inProgress(s) && s.state !== 'failed')) return null;
  if (inProgress(s)) {
    const op = operations.find((o) => o.id === s.operation_id);
    return h('div', { class: 'banner banner-info', role: 'status', 'data-testid': 'delete-banner' },
      h('strong', {}, 'Deleting after the final snapshot'),
      ` — the before-delete snapshot is ${s.state}; ${region.name} goes when it is complete. `,
      op ? reportedProgress(op) : null, ' ',
      h('a', { href: '/operations?region_id=' + encodeURIComponent(region.id) }, s.operation_id ? `operation ${s.operation_id}` : 'operations'));
  }
  return h('div', { class: 'banner banner-bad', role: 'alert', 'data-testid': 'delete-banner' },
    h('strong', {}, 'The final snapshot failed'), `: ${s.failure || 'no reason given'}. ${region.name} was kept. `,
    ctx.can('write') ? h('button', { type: 'button', class: 'small danger', onclick: async () => {
      const result = await deleteRegionDialog(region, snapshots);
      if (result) onDone(result);
    } }, 'Force delete…') : null);
}
