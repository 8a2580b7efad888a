// How each simulator-facing field of a region reaches the running simulator, in the API's own
// words: the table of GET /api/v1/region-settings ("application": live, on-restart, unsupported),
// the region's "pending_restart" paths and the per-field outcome an operation's result carries
// ("fields": {"<path>": {"status": applied | applied-on-restart | pending-restart | unsupported |
// failed, "mechanism", "value", "reason"?}}). docs/region-settings.md explains each row.
import { get, post } from './api.js';
import { h, show, toast } from './ui.js';
import { isOpen } from './op_progress.js';

export const APPLICATIONS = ['live', 'on-restart', 'unsupported'];
export const STATUSES = ['applied', 'applied-on-restart', 'pending-restart', 'unsupported', 'failed'];

const APPLICATION_CLASS = { live: 'ok', 'on-restart': 'warn', unsupported: 'muted' };
const APPLICATION_TITLE = {
  live: 'applied to the running region by the operation that carries the change',
  'on-restart': 'takes effect when the region restarts: at once with "apply on-restart changes now", else pending-restart',
  unsupported: 'OpenSim offers no way to apply it: stored and versioned only',
};
const STATUS_CLASS = {
  applied: 'ok', 'applied-on-restart': 'ok', 'pending-restart': 'warn', unsupported: 'muted', failed: 'bad',
};

// The table, or null from a control plane that has no such route (older than issue 12).
let table;
export async function loadSettingsTable() {
  if (table) return table;
  try {
    const answer = await get('/region-settings');
    table = answer.fields || [];
    return table;
  } catch (e) {
    if (e.status === 404 || e.status === 405) return null;
    throw e;
  }
}

// The value at a dotted path of the region JSON ("flags.max_agents").
export function valueAt(region, path) {
  return path.split('.').reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), region);
}

// Per path, the outcome from the newest finished operation (operations come newest first) whose
// result lists the field, with that operation.
export function lastOutcomes(operations) {
  const outcomes = {};
  for (const o of operations || []) {
    if (isOpen(o)) continue;
    for (const [path, outcome] of Object.entries(o.result?.fields || {})) {
      if (!(path in outcomes) && outcome && typeof outcome === 'object') outcomes[path] = { ...outcome, operation: o };
    }
  }
  return outcomes;
}

// What the Status column says for a field: pending-restart when the region lists it (the control
// plane derives that from every finished operation), else the latest reported outcome — except a
// pending-restart the region no longer lists, which a later restart has applied.
export function fieldStatus(path, region, outcomes) {
  if ((region.pending_restart || []).includes(path)) return { status: 'pending-restart', reason: outcomes[path]?.reason };
  const outcome = outcomes[path];
  if (!outcome || outcome.status === 'pending-restart') return null;
  return outcome;
}

export function applicationBadge(application) {
  return h('span', { class: 'badge badge-' + (APPLICATION_CLASS[application] || 'muted'), title: APPLICATION_TITLE[application] || '', dataset: { application } }, application);
}

export function statusBadge(status) {
  return h('span', { class: 'badge badge-' + (STATUS_CLASS[status] || 'muted'), dataset: { status } }, status);
}

const valueText = (value) => (value === null ? 'null' : show(value));

// The region page's card: every field of the table with its value, how it applies and where it
// stands on the simulator. `names` turns ids into names (estate_id → the estate's name).
export function settingsCard(region, fields, operations, names = {}) {
  if (!fields) {
    return h('section', { class: 'card' }, h('h2', {}, 'Simulator settings'),
      h('p', { class: 'muted' }, 'This control plane does not say how each field reaches the simulator (no /api/v1/region-settings).'));
  }
  const outcomes = lastOutcomes(operations);
  return h('section', { class: 'card settings' },
    h('div', { class: 'card-head' }, h('h2', {}, 'Simulator settings'),
      h('span', { class: 'muted' }, 'how each field reaches the running simulator; status from its latest operation')),
    h('table', { class: 'table compact', 'aria-label': 'Region settings' },
      h('thead', {}, h('tr', {}, ['Field', 'Value', 'Application', 'Status', 'Mechanism'].map((t) => h('th', {}, t)))),
      h('tbody', {}, fields.map((f) => {
        const value = valueAt(region, f.path);
        const status = fieldStatus(f.path, region, outcomes);
        const named = names[f.path]?.[value];
        return h('tr', { class: 'setting-row', dataset: { path: f.path } },
          h('td', { class: 'mono' }, f.path),
          h('td', { class: 'mono', title: named ? valueText(value) : null }, named || valueText(value)),
          h('td', {}, applicationBadge(f.application)),
          h('td', {}, status ? [statusBadge(status.status), status.reason ? h('div', { class: status.status === 'failed' ? 'failure' : 'reason-text' }, status.reason) : null] : '—'),
          h('td', { class: 'muted' }, f.mechanism));
      }))));
}

// The notice while fields wait for a restart: which ones, and the action that applies them.
export function pendingBanner(ctx, region, operations, onQueued) {
  const pending = region.pending_restart || [];
  if (!pending.length) return null;
  const queued = (operations || []).find((o) => isOpen(o) && o.kind === 'restart');
  return h('div', { class: 'banner banner-warn', role: 'status', 'data-testid': 'pending-restart' },
    h('strong', {}, 'pending-restart'), ': ', pending.map((p, i) => [i ? ', ' : '', h('code', { class: 'mono' }, p)]),
    queued ? ' — a restart is on its way.' : ' — these changes take effect when the region restarts. ',
    ctx.can('write') && !queued ? h('button', { type: 'button', class: 'small primary', onclick: async (e) => {
      e.target.disabled = true;
      try {
        await post(`/regions/${encodeURIComponent(region.id)}/restart`);
        toast('Restart queued: the pending fields apply when it is done', 'ok');
        onQueued();
      } catch (err) {
        e.target.disabled = false;
        toast(err.message, 'error');
      }
    } }, 'Restart region to apply') : null);
}

// An operation's per-field outcome (its result's "fields"), as the operation view shows it.
export function fieldOutcomesTable(result) {
  const fields = Object.entries(result?.fields || {});
  if (!fields.length) return null;
  return h('table', { class: 'table compact', 'aria-label': 'Field outcomes' },
    h('thead', {}, h('tr', {}, ['Field', 'Status', 'Value read back', 'Mechanism', 'Reason'].map((t) => h('th', {}, t)))),
    h('tbody', {}, fields.sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, o]) => h('tr', { class: 'outcome-row', dataset: { path } },
      h('td', { class: 'mono' }, path), h('td', {}, statusBadge(o?.status)),
      h('td', { class: 'mono' }, o && 'value' in o ? valueText(o.value) : '—'),
      h('td', { class: 'muted' }, o?.mechanism || ''), h('td', { class: o?.status === 'failed' ? 'failure' : '' }, o?.reason || '')))));
}

// The edit preview's column: how a changed field applies (blank for control-plane-only fields).
export function applicationOf(fields, path) {
  return (fields || []).find((f) => f.path === path)?.application || null;
}
