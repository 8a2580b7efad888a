// Region moves with their content and the batches that carry many (docs/api.md "Migrations"):
// the region page's Move dialog, which follows the move live (its step, state, downtime and
// error, polled every second), the steps of a move, and a batch's progress bar (done / failed /
// left) with its Cancel button, shared by the simulator page (drain, evacuate), the placement
// page (rebalance) and the Migrations page.
import { get, listAll, post } from './api.js';
import { badge, clear, dialog, field, formValue, h, submitWith, toast } from './ui.js';

export const ENDED = ['succeeded', 'failed', 'cancelled'];
export const migrationEnded = (m) => ENDED.includes(m?.state);

// One line per step of the move: what ran, how it went and how long it took.
export function migrationSteps(m) {
  const steps = m.steps || [];
  const done = new Set(steps.map((s) => s.step));
  const planned = (m.plan || []).filter((s) => !done.has(s)).map((step) => ({ step, state: 'planned' }));
  return h('table', { class: 'table compact', 'aria-label': 'Steps' },
    h('thead', {}, h('tr', {}, ['Step', 'State', 'Took', 'Operation'].map((t) => h('th', {}, t)))),
    h('tbody', {}, [...steps, ...planned].map((s) => h('tr', { dataset: { step: s.step } },
      h('td', { class: 'mono' }, s.step), h('td', {}, badge(s.state)), h('td', {}, s.ms != null ? `${s.ms} ms` : ''),
      h('td', { class: 'mono muted' }, s.operation_id ? String(s.operation_id) : '')))));
}

// The move's headline: state, the step running, the downtime once switched, the error.
export function migrationSummary(m) {
  return h('div', { class: 'migration-summary', 'data-testid': 'migration-summary' },
    h('div', {}, badge(m.state), ' ', m.step ? h('span', { 'data-testid': 'migration-step' }, 'step ', h('strong', {}, m.step)) : null),
    m.downtime_ms != null ? h('div', { 'data-testid': 'migration-downtime' }, `downtime ${m.downtime_ms} ms`) : null,
    m.loss_window_s != null ? h('div', {}, `loss window ${m.loss_window_s} s`) : null,
    m.error ? h('div', { class: 'failure', role: 'alert' }, m.error) : null);
}

// Polls `read` every second, redrawing with `draw`, until `ended` says so or stop() is called.
export function follow(read, draw, ended) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    try {
      const value = await read();
      if (stopped) return;
      draw(value);
      if (ended(value)) return;
    } catch (e) {
      if (!stopped) toast(e.message, 'error');
    }
    if (!stopped) timer = setTimeout(tick, 1000);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// The Move dialog: where (a simulator, or the policy's choice), warm / when-empty; once started
// it shows the move live with a Cancel button until it ends.
export function moveDialog(ctx, region) {
  return dialog('Move region ' + region.name, (close) => {
    const box = h('div');
    const simulators = h('div');
    const form = h('form', { novalidate: true, 'aria-label': 'Move region' },
      simulators,
      field({ name: 'warm', label: 'Warm: a first snapshot while it serves, then a short final one', type: 'checkbox' }),
      field({ name: 'when_empty', label: 'Wait until no avatar is on the region', type: 'checkbox' }),
      field({ name: 'deadline_s', label: 'Deadline when waiting (seconds)', type: 'number', value: 300, min: 1, max: 3600 }),
      field({ name: 'message', label: 'Message to avatars', placeholder: 'The region moves in a minute.' }),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Move')));
    listAll('/simulators').catch(() => []).then((sims) => {
      const others = sims.filter((s) => s.id !== region.placement?.simulator_id && s.state !== 'revoked');
      clear(simulators, field({ name: 'simulator_id', label: 'Target simulator', options: [['', 'Let the policy choose'], ...others.map((s) => [s.id, `${s.hostname} (${s.state})`])] }),
        field({ name: 'force', label: 'Even if the policy refuses that simulator', type: 'checkbox' }));
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const deadline = Number(formValue(form, 'deadline_s'));
      const body = { warm: formValue(form, 'warm'), when_empty: formValue(form, 'when_empty'), deadline_s: deadline };
      if (formValue(form, 'simulator_id')) body.simulator_id = formValue(form, 'simulator_id');
      if (formValue(form, 'force')) body.force = true;
      if (formValue(form, 'message').trim()) body.message = formValue(form, 'message').trim();
      const started = await submitWith(form, [['deadline_s', Number.isInteger(deadline) && deadline >= 1 && deadline <= 3600, 'Between 1 and 3600 seconds.']],
        () => post(`/regions/${encodeURIComponent(region.id)}/move`, body));
      if (!started) return;
      form.hidden = true;
      const live = h('div', { 'aria-live': 'polite' });
      const cancel = h('button', { type: 'button', class: 'danger', onclick: async () => {
        try {
          await post(`/migrations/${encodeURIComponent(started.migration.id)}/cancel`);
        } catch (err) {
          toast(err.message, 'error');
        }
      } }, 'Cancel move');
      const doneButton = h('button', { type: 'button', class: 'primary', onclick: () => { stop(); close(started.migration); } }, 'Close');
      clear(box, live, h('div', { class: 'actions' }, cancel, doneButton));
      const stop = follow(() => get(`/migrations/${encodeURIComponent(started.migration.id)}`), (m) => {
        clear(live, migrationSummary(m), migrationSteps(m));
        cancel.hidden = migrationEnded(m) || !!m.steps?.some((s) => s.step === 'switch_over' && s.state === 'succeeded');
      }, migrationEnded);
    });
    return h('div', {}, form, box);
  }, { wide: true });
}

// A batch's progress bar: done (green) and failed (red) of the total, the rest left, with a
// Cancel button while moves are left.
export function batchProgress(batch, onCancel) {
  const p = batch.progress || { total: 0, done: 0, failed: 0, running: 0, left: 0 };
  const width = (n) => (p.total ? (100 * n) / p.total : 0).toFixed(1) + '%';
  return h('div', { class: 'batch-progress', 'data-testid': 'batch-progress' },
    h('div', {}, h('strong', {}, `${batch.kind}`), ' ', badge(batch.state), ' ',
      h('span', { 'data-testid': 'batch-counts' }, `${p.done} done · ${p.failed} failed · ${p.cancelled} cancelled · ${p.left} left of ${p.total}`)),
    h('div', { class: 'stacked-bar', role: 'meter', 'aria-label': 'Batch progress', 'aria-valuemin': 0, 'aria-valuemax': p.total, 'aria-valuenow': p.done + p.failed },
      h('span', { class: 'bar-ok', style: { width: width(p.done) } }), h('span', { class: 'bar-bad', style: { width: width(p.failed) } })),
    onCancel && batch.state === 'running' && p.left > 0
      ? h('button', { type: 'button', class: 'small danger', onclick: onCancel }, 'Cancel batch') : null);
}

// A batch followed live in `box` until nothing of it is left.
export function followBatch(box, id) {
  const cancel = async () => {
    try {
      await post(`/migration-batches/${encodeURIComponent(id)}/cancel`);
      toast('Batch cancelled: queued moves will not start', 'ok');
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  return follow(() => get(`/migration-batches/${encodeURIComponent(id)}`),
    (b) => clear(box, batchProgress(b, cancel)), (b) => b.state !== 'running' && !(b.progress?.left > 0));
}
