// Snapshots of a region's run-time state (docs/snapshots.md), shared by the region page's
// Snapshots tab and the Snapshots page: the list, "Take snapshot", "Restore", "Download" and
// "Delete", in the words of the REST API and vergegridctl.
import { api, del, post } from './api.js';
import { badge, confirmDialog, dialog, emptyRow, field, h, submitWith, time, toast } from './ui.js';
import { formatBytes, isOpen, reportedProgress } from './op_progress.js';

export const ALWAYS_PARTS = ['terrain', 'environment', 'parcels', 'flags'];
export const OPTIONAL_PARTS = ['prims', 'mesh', 'script_state', 'object_metadata', 'texture_refs', 'inventory_refs'];
export const REASONS = ['manual', 'scheduled', 'before-delete', 'before-move', 'before-restore'];
export const STATES = ['pending', 'saving', 'complete', 'failed'];

// The parts a snapshot of this region takes when the request names none (its region_state_mode).
export function defaultParts(region) {
  const mode = region.region_state_mode || 'hybrid';
  if (mode === 'minimal') return [...ALWAYS_PARTS];
  if (mode === 'full') return [...ALWAYS_PARTS, ...OPTIONAL_PARTS];
  return [...ALWAYS_PARTS, ...OPTIONAL_PARTS.filter((p) => region.state_parts?.[p])];
}

export const inProgress = (s) => s.state === 'pending' || s.state === 'saving';
export const downloadUrl = (s) => `/api/v1/snapshots/${encodeURIComponent(s.id)}/download`;

// Columns: created, reason, state, parts, size, sha256, note, actor, failure (and the region on
// the Snapshots page). `operations` gives a saving snapshot its operation's progress bar.
export function snapshotTable(snapshots, { ctx, region = null, operations = [], showRegion = false, onChange = () => {}, onNewRegion = null }) {
  const heads = ['Created', ...(showRegion ? ['Region'] : []), 'Reason', 'State', 'Parts', 'Size', 'SHA-256', 'Note', 'Actor', 'Failure', ''];
  const byId = Object.fromEntries(operations.map((o) => [o.id, o]));
  return h('table', { class: 'table compact snapshots', 'aria-label': 'Snapshots' },
    h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
    h('tbody', {}, snapshots.length ? snapshots.map((s) => h('tr', { class: 'snapshot-row', dataset: { id: s.id, state: s.state } },
      h('td', {}, time(s.created_at)),
      showRegion ? h('td', {}, h('a', { href: `/regions/${encodeURIComponent(s.region_id)}?tab=snapshots` }, s.region_name || s.region_id.slice(0, 8))) : null,
      h('td', {}, h('span', { class: 'reason reason-' + s.reason }, s.reason)),
      h('td', {}, badge(s.state), inProgress(s) && isOpen(byId[s.operation_id]) ? [' ', reportedProgress(byId[s.operation_id])] : null),
      h('td', {}, partsList(s.parts || [])),
      h('td', { class: 'num' }, s.state === 'complete' ? formatBytes(s.size_bytes) : '—'),
      h('td', { class: 'mono', title: s.sha256 || '' }, s.sha256 ? s.sha256.slice(0, 12) : '—'),
      h('td', {}, s.note || ''), h('td', {}, s.actor || ''),
      h('td', { class: 'failure' }, s.failure || ''),
      h('td', {}, h('div', { class: 'row-actions' }, rowActions(s, { ctx, region, onChange, onNewRegion })))))
      : emptyRow(heads.length, 'No snapshots.')));
}

function partsList(parts) {
  const optional = parts.filter((p) => !ALWAYS_PARTS.includes(p));
  const always = ALWAYS_PARTS.every((p) => parts.includes(p));
  return h('span', { class: 'labels', title: parts.join(', ') },
    always ? h('span', { class: 'label' }, 'always-saved') : parts.filter((p) => ALWAYS_PARTS.includes(p)).map((p) => h('span', { class: 'label' }, p)),
    optional.map((p) => h('span', { class: 'label' }, p)));
}

function rowActions(s, { ctx, region, onChange, onNewRegion }) {
  const complete = s.state === 'complete';
  return [
    complete && onNewRegion && ctx.can('write') ? h('button', { type: 'button', class: 'small', onclick: () => onNewRegion(s) }, 'New region…') : null,
    complete ? h('a', { class: 'button small', href: downloadUrl(s), download: `${s.region_name || 'region'}-${s.id}.oar`, 'aria-label': 'Download ' + s.id }, 'Download') : null,
    complete && region && ctx.can('write') ? h('button', { type: 'button', class: 'small', onclick: async () => { if (await restoreSnapshot(region, s)) onChange(); } }, 'Restore') : null,
    ctx.can('write') && !inProgress(s) ? h('button', { type: 'button', class: 'small danger', onclick: async () => { if (await deleteSnapshot(s)) onChange(); } }, 'Delete') : null,
  ];
}

// Resolves with the API's answer ({"id", "state":"pending", "operation_id"}) or null.
export function takeSnapshotDialog(region) {
  const defaults = defaultParts(region);
  return dialog(`Take snapshot of ${region.name}`, (close) => {
    const form = h('form', { novalidate: true, 'aria-label': 'Take snapshot' },
      h('p', { class: 'muted' }, `The region's state mode is ${region.region_state_mode || 'hybrid'}; the parts below are what it saves. The always-saved parts come in every snapshot.`),
      h('fieldset', { class: 'parts' }, h('legend', {}, 'Parts'),
        ALWAYS_PARTS.map((p) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'part', value: p, checked: true, disabled: true }), p)),
        OPTIONAL_PARTS.map((p) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'part', value: p, checked: defaults.includes(p) }), p))),
      field({ name: 'note', label: 'Note', placeholder: 'why this snapshot (optional)' }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Take snapshot')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const parts = [...form.querySelectorAll('input[name=part]')].filter((i) => i.checked).map((i) => i.value);
      const note = form.elements.note.value.trim();
      const body = {};
      // Left out when unchanged, so the region's mode decides, as for `vergegridctl snapshot create`.
      if (parts.join() !== defaults.join()) body.parts = parts;
      if (note) body.note = note;
      const taken = await submitWith(form, [], () => post(`/regions/${encodeURIComponent(region.id)}/snapshots`, body));
      if (taken) {
        toast(`Snapshot of ${region.name} queued`, 'ok');
        close(taken);
      }
    });
    return form;
  });
}

// What a restore does, said before it is done.
export function restoreSteps(region, s) {
  const steps = [];
  if (region.lifecycle === 'ephemeral') steps.push(`${region.name} is ephemeral: no safety snapshot is taken first.`);
  else steps.push(`First a before-restore safety snapshot of ${region.name} as it is now is taken.`);
  steps.push('Then the archive is loaded: the region is cleared first, then its '
    + (s.parts || []).join(', ') + ' come back from the snapshot.');
  if (s.region_version && s.region_version !== region.version) {
    steps.push(`The snapshot was taken at version ${s.region_version}: the configuration is rolled back to it too (one history entry).`);
  } else {
    steps.push('The configuration version does not change.');
  }
  return steps;
}

export async function restoreSnapshot(region, s) {
  const ok = await dialog('Restore snapshot', (close) => h('div', { class: 'restore-steps' },
    h('p', {}, `Restore ${region.name} to the snapshot of ${new Date(s.created_at).toLocaleString()}${s.note ? ` (“${s.note}”)` : ''}?`),
    h('ol', {}, restoreSteps(region, s).map((t) => h('li', {}, t))),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'),
      h('button', { type: 'button', class: 'danger', autofocus: true, onclick: () => close(true) }, 'Restore'))));
  if (!ok) return false;
  try {
    // If-Match: the steps above were worked out for this version of the region.
    await api('POST', `/regions/${encodeURIComponent(region.id)}/restore`, { snapshot_id: s.id }, { 'If-Match': `"${region.version}"` });
    toast(`Restore of ${region.name} queued`, 'ok');
    return true;
  } catch (e) {
    toast(e.message, 'error');
    return false;
  }
}

export async function deleteSnapshot(s) {
  const what = `the ${s.reason} snapshot of ${s.region_name || 'the region'} taken ${new Date(s.created_at).toLocaleString()}`;
  if (!(await confirmDialog('Delete snapshot', `Delete ${what}? Its archive is removed from the snapshot store.`, 'Delete snapshot'))) return false;
  try {
    await del('/snapshots/' + encodeURIComponent(s.id));
    toast('Snapshot deleted', 'ok');
    return true;
  } catch (e) {
    toast(e.message, 'error');
    return false;
  }
}
