// Blueprints (docs/blueprints.md): sets of regions made from a few parameters by the blueprint
// plugins. The list; for the chosen one a form made from its parameters' JSON Schema; Plan shows
// every region with where it would go or why it cannot (nothing written); Apply creates them all
// or, on any refusal, none (the refusal shows on the form).
import { get, post } from '../api.js';
import { clear, emptyRow, h, submitWith, toast } from '../ui.js';

// One input per schema property, named "parameters.<name>" so the API's field errors land on it.
function parameterField(name, rule, required) {
  const id = 'bp-' + name.replace(/[^a-z0-9]/gi, '-');
  const label = name + (required ? ' *' : '');
  let input;
  if (Array.isArray(rule.enum)) {
    input = h('select', { id, name: 'parameters.' + name },
      (required ? [] : [h('option', { value: '' }, '')]).concat(rule.enum.map((v) =>
        h('option', { value: v, selected: v === rule.default }, v))));
  } else {
    input = h('input', {
      id, name: 'parameters.' + name, type: rule.type === 'integer' ? 'number' : 'text',
      min: rule.minimum, max: rule.maximum, step: rule.type === 'integer' ? 1 : undefined,
      placeholder: rule.default !== undefined ? String(rule.default) : '', autocomplete: 'off',
    });
  }
  input.dataset.type = rule.type || 'string';
  const error = h('div', { class: 'field-error', id: id + '-error', role: 'alert' });
  input.setAttribute('aria-describedby', id + '-error');
  return h('div', { class: 'field', dataset: { field: 'parameters.' + name } },
    h('label', { for: id }, label), input, rule.description ? h('div', { class: 'hint' }, rule.description) : null, error);
}

// The filled-in parameters; empty inputs are left out (the blueprint's default applies).
function parametersOf(form) {
  const parameters = {};
  form.querySelectorAll('[name^="parameters."]').forEach((input) => {
    if (input.value === '') return;
    const name = input.name.slice('parameters.'.length);
    parameters[name] = input.dataset.type === 'integer' ? Number(input.value) : input.value;
  });
  return parameters;
}

function where(planned) {
  const region = planned.region;
  if (!region) return '—';
  if (region.placement_state === 'pending') return 'pending (no simulator yet)';
  return `${region.host}:${region.port}`;
}

function outcomeTable(outcome) {
  const heads = ['Name', 'Cell', 'Placed on', 'Region', 'Refusal'];
  const rows = outcome.regions || [];
  return h('div', { class: 'card', dataset: { outcome: outcome.applied ? 'applied' : 'plan' } },
    h('h2', {}, outcome.applied ? `Applied: ${rows.length} regions created`
      : `Plan: ${rows.length} regions, ${outcome.refused} refused — nothing written`),
    h('table', { class: 'table', 'aria-label': outcome.applied ? 'Created regions' : 'Planned regions' },
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.length ? rows.map((r) => h('tr', { class: r.refusal ? 'refused' : '' },
        h('td', {}, r.name ?? '—'), h('td', { class: 'mono' }, `${r.spec.loc_x},${r.spec.loc_y}`),
        h('td', { class: 'mono' }, where(r)),
        h('td', {}, r.region && outcome.applied ? h('a', { href: '/regions/' + encodeURIComponent(r.region.id) }, r.region.id) : '—'),
        h('td', {}, r.refusal ? h('div', { class: 'failure' }, `${r.refusal.code}${r.refusal.field ? ' (' + r.refusal.field + ')' : ''}: ${r.refusal.message}`) : '—')))
        : emptyRow(heads.length, 'The blueprint planned no region.'))));
}

function blueprintCard(blueprint, ctx) {
  const schema = blueprint.parameters || {};
  const required = new Set(schema.required || []);
  const result = h('div', { class: 'blueprint-result' });
  const form = h('form', { novalidate: true, 'aria-label': 'Parameters of ' + blueprint.name },
    Object.entries(schema.properties || {}).map(([name, rule]) => parameterField(name, rule, required.has(name))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', value: 'plan', class: ctx.can('write') ? '' : 'primary', disabled: !ctx.can('write') }, 'Plan'),
      ctx.can('write') ? h('button', { type: 'submit', value: 'apply', class: 'primary' }, 'Apply') : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const verb = e.submitter?.value === 'apply' ? 'apply' : 'plan';
    const parameters = parametersOf(form);
    const missing = [...required].find((name) => parameters[name] === undefined);
    const outcome = await submitWith(form, [
      ['parameters.' + missing, missing === undefined, 'Required.'],
    ], () => post(`/blueprints/${encodeURIComponent(blueprint.name)}/${verb}`, { parameters }));
    if (!outcome) return;
    clear(result, outcomeTable(outcome));
    if (outcome.applied) toast(`${outcome.regions.length} regions created`, 'ok');
  });
  return h('section', { class: 'card', 'aria-label': 'Blueprint ' + blueprint.name },
    h('h2', {}, blueprint.name), h('p', {}, blueprint.description), form, result);
}

export async function render(main, ctx) {
  const params = ctx.params || {};
  const items = (await get('/blueprints')).items || [];
  const chosen = items.find((b) => b.name === params.id);
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Blueprints')),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Blueprints' },
      h('thead', {}, h('tr', {}, ['Name', 'Description', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, items.length ? items.map((b) => h('tr', { class: b === chosen ? 'selected' : '' },
        h('td', {}, b.name), h('td', {}, b.description),
        h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => ctx.navigate('/blueprints/' + encodeURIComponent(b.name)) }, 'Open'))))
        : emptyRow(3, 'No blueprint is loaded (blueprints.load).')))),
    chosen ? blueprintCard(chosen, ctx) : null);
  return undefined;
}
