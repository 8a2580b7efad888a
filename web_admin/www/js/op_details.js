// An operation's details, shared by the Operations page and the region page: state, progress,
// the per-field outcome its result reports (region_settings.js), the raw result and the spec.
import { badge, dialog, h } from './ui.js';
import { progress } from './op_progress.js';
import { fieldOutcomesTable } from './region_settings.js';

export function detailsBody(o) {
  const outcomes = fieldOutcomesTable(o.result);
  const error = o.result?.error;
  return [
    h('dl', { class: 'kv' }, h('dt', {}, 'Id'), h('dd', { class: 'mono' }, o.id), h('dt', {}, 'State'), h('dd', {}, badge(o.state)),
      h('dt', {}, 'Progress'), h('dd', {}, progress(o)), h('dt', {}, 'Due'), h('dd', {}, o.due_at || 'now'),
      o.spec?.apply_restart ? [h('dt', {}, 'apply_restart'), h('dd', {}, 'true: on-restart fields are applied by restarting the region')] : null,
      error ? [h('dt', {}, 'Error'), h('dd', { class: 'failure' }, String(error))] : null),
    outcomes ? [h('h3', {}, 'Fields'), outcomes] : null,
    h('h3', {}, 'Result'), h('pre', { class: 'json' }, JSON.stringify(o.result, null, 2)),
    h('h3', {}, 'Spec'), h('pre', { class: 'json' }, JSON.stringify(o.spec, null, 2)),
  ];
}

// The details dialog; `body` lets the caller keep the content current while it is open.
export function operationDialog(o, body = h('div', {}, detailsBody(o))) {
  return dialog(`Operation ${o.kind} · ${o.id}`, (close) => h('div', {}, body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'Close'))), { wide: true });
}
