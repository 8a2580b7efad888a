// Placement: the active policy with a swap control (admin), and a dry run that shows where a
// region would go and why (or why every simulator refused it). Until the control plane has the
// placement routes, the page says so instead of failing. Rebalance: the moves that bring the grid
// back within the policy's thresholds as a dry-run table, then executed as a batch.
import { get, listAll, post, put } from '../api.js';
import { clear, field, formValue, h, submitWith, toast } from '../ui.js';
import { followBatch } from '../migrations.js';

export async function render(main, ctx) {
  let policy;
  try {
    policy = await get('/placement/policy');
  } catch (e) {
    if (e.status === 404) {
      clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Placement')),
        h('div', { class: 'card' }, h('p', {}, 'This control plane does not offer placement yet (no /api/v1/placement routes).')));
      return undefined;
    }
    throw e;
  }
  const [templates, estates, simulators] = await Promise.all([listAll('/templates').catch(() => []), listAll('/estates').catch(() => []), listAll('/simulators').catch(() => [])]);
  const simName = (id) => simulators.find((s) => s.id === id)?.hostname || id;
  const policyCard = h('section', { class: 'card' }, h('h2', {}, 'Active policy'));
  const select = h('select', { 'aria-label': 'Placement policy', disabled: !ctx.can('admin') }, policy.available.map((p) => h('option', { value: p, selected: p === policy.active }, p)));
  policyCard.append(h('div', { class: 'toolbar' }, h('strong', { 'data-testid': 'active-policy' }, policy.active || 'none active'), select,
    ctx.can('admin') ? h('button', { type: 'button', class: 'primary', onclick: async () => {
      try {
        const now = await put('/placement/policy', { policy: select.value });
        toast('Placement policy is now ' + now.active, 'ok');
        ctx.refresh();
      } catch (e) {
        toast(e.message, 'error');
      }
    } }, 'Switch policy') : h('span', { class: 'muted' }, 'Only an admin can switch it.')));

  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Placement dry run' },
    field({ name: 'name', label: 'Region name', value: 'dry-run' }),
    field({ name: 'estate_id', label: 'Estate', options: estates.map((e) => [e.id, e.name]) }),
    field({ name: 'template_id', label: 'Template', options: [['', '— none —'], ...templates.map((t) => [t.id, t.name])] }),
    field({ name: 'size', label: 'Size (m)', options: [['', 'from template'], ...[256, 512, 1024, 2048].map((s) => [s, `${s}×${s}`])] }),
    field({ name: 'required_labels', label: 'Required labels', placeholder: 'ssd, region=eu' }),
    field({ name: 'preferred_labels', label: 'Preferred labels' }),
    field({ name: 'anti_affinity', label: 'Anti-affinity (region names)' }),
    h('div', { class: 'actions span-2' }, h('button', { type: 'submit', class: 'primary' }, 'Plan (dry run)')));
  const list = (n) => formValue(form, n).split(',').map((s) => s.trim()).filter(Boolean);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const region = { name: formValue(form, 'name').trim(), estate_id: formValue(form, 'estate_id'), placement: { required_labels: list('required_labels'), preferred_labels: list('preferred_labels'), anti_affinity: list('anti_affinity') } };
    if (formValue(form, 'template_id')) region.template_id = formValue(form, 'template_id');
    if (formValue(form, 'size')) region.size_x = region.size_y = Number(formValue(form, 'size'));
    const plan = await submitWith(form, [
      ['name', region.name !== '', 'A name for the planned region.'],
      ['estate_id', !!region.estate_id, 'Create an estate first: a region belongs to one.'],
      ['size', region.template_id || region.size_x, 'Choose a size or a template.'],
    ], () => post('/placement/plan', region));
    if (plan) clear(result, (plan.placements || []).map((p) => renderPlacement(p, simName)));
  });
  // A plan needs the write permission, as creating the region would.
  const rebalance = rebalanceCard(simName);
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Placement')), policyCard,
    ctx.can('write') ? h('section', { class: 'card' }, h('h2', {}, 'Dry run'), h('p', { class: 'muted' }, 'Nothing is created: the policy only says where the region would go.'), form, result) : null,
    ctx.can('write') ? rebalance.card : null);
  return rebalance.stop;
}

// Rebalance: a dry run first (the moves as a table), then "Execute" starts them as a batch.
function rebalanceCard(simName) {
  const result = h('div', { 'aria-live': 'polite' });
  let stop = () => {};
  const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Rebalance' },
    field({ name: 'max_moves', label: 'At most this many moves', type: 'number', value: 10, min: 1, max: 1000 }),
    h('div', { class: 'actions span-2' }, h('button', { type: 'submit', class: 'primary' }, 'Plan rebalance (dry run)')));
  const send = (dryRun) => {
    const maxMoves = Number(formValue(form, 'max_moves'));
    return submitWith(form, [['max_moves', Number.isInteger(maxMoves) && maxMoves >= 1 && maxMoves <= 1000, 'Between 1 and 1000.']],
      () => post('/placement/rebalance', { dry_run: dryRun, max_moves: maxMoves }));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    stop();
    const plan = await send(true);
    if (!plan) return;
    if (!plan.moves.length) {
      clear(result, h('p', { 'data-testid': 'rebalance-empty' }, 'The grid is within the policy\'s thresholds: nothing to move.'));
      return;
    }
    const execute = h('button', { type: 'button', class: 'primary', onclick: async () => {
      execute.disabled = true;
      const started = await send(false);
      if (started?.batch) stop = followBatch(progressBox, started.batch.id);
      else if (started) clear(progressBox, h('p', {}, 'Nothing to move any more.'));
    } }, 'Execute these moves');
    const progressBox = h('div');
    clear(result, h('table', { class: 'table compact', 'aria-label': 'Rebalance plan' },
      h('thead', {}, h('tr', {}, ['Region', 'From', 'To', 'Why'].map((t) => h('th', {}, t)))),
      h('tbody', {}, plan.moves.map((m) => h('tr', {}, h('td', {}, m.region_name), h('td', {}, simName(m.from_simulator_id)),
        h('td', {}, simName(m.to_simulator_id)), h('td', {}, (m.reasons || []).join('; ')))))), execute, progressBox);
  });
  const card = h('section', { class: 'card' }, h('h2', {}, 'Rebalance'),
    h('p', { class: 'muted' }, 'Moves regions (with their content) off simulators past the policy\'s thresholds, e.g. after simulators were added.'), form, result);
  return { card, stop: () => stop() };
}

function renderPlacement(p, simName) {
  if (p.placed) {
    return h('div', { class: 'card placement-ok' }, h('h3', {}, `${p.region} → ${p.host}:${p.port}`),
      h('dl', { class: 'kv' }, h('dt', {}, 'Simulator'), h('dd', {}, simName(p.simulator_id), ' ', h('span', { class: 'mono muted' }, p.simulator_id)), h('dt', {}, 'Grid cell'), h('dd', {}, `${p.loc_x}, ${p.loc_y}`),
        h('dt', {}, 'Score'), h('dd', {}, String(p.score))),
      h('h3', {}, 'Why'), h('ul', {}, (p.reasons || []).map((r) => h('li', {}, r))));
  }
  return h('div', { class: 'card placement-refused' }, h('h3', {}, `${p.region}: no simulator can take it`), p.reason ? h('p', {}, p.reason) : null,
    h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, h('th', {}, 'Simulator'), h('th', {}, 'Why not'))),
      h('tbody', {}, Object.entries(p.refusals || {}).map(([id, why]) => h('tr', {}, h('td', {}, simName(id)), h('td', {}, why))))));
}
