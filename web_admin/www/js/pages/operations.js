// Operations: the durable queue to the simulators, filterable by state, simulator and region,
// polled every 3 seconds. An open operation shows how long it has been waiting and its attempts.
import { get, listAll, query } from '../api.js';
import { badge, clear, dialog, emptyRow, field, h, time } from '../ui.js';

const STATES = ['', 'pending', 'delivered', 'succeeded', 'failed'];

function progress(o) {
  if (o.state === 'succeeded') return h('span', { class: 'progress', title: 'done' }, h('span', { style: { width: '100%', background: 'var(--ok)' } }));
  if (o.state === 'failed') return h('span', { class: 'progress', title: 'failed' }, h('span', { style: { width: '100%', background: 'var(--bad)' } }));
  // A lazy change waits for its sync window: show how far along the wait is.
  const due = o.due_at ? Date.parse(o.due_at) : NaN;
  if (due > Date.now()) {
    const created = Date.parse(o.created_at);
    const done = Math.max(0, Math.min(1, (Date.now() - created) / Math.max(1, due - created)));
    return h('span', {}, h('span', { class: 'progress', title: 'waits for the sync window' }, h('span', { style: { width: (done * 100).toFixed(0) + '%' } })),
      ' ', h('span', { class: 'muted' }, `window in ${Math.ceil((due - Date.now()) / 1000)} s`));
  }
  return h('span', { class: 'progress indeterminate', title: o.state === 'pending' ? 'waiting for the simulator to take it' : 'the simulator is applying it' }, h('span'));
}

export async function render(main, ctx) {
  const [simulators, regions] = await Promise.all([listAll('/simulators').catch(() => []), listAll('/regions').catch(() => [])]);
  const simName = Object.fromEntries(simulators.map((s) => [s.id, s.hostname]));
  const regionName = Object.fromEntries(regions.map((r) => [r.id, r.name]));
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter operations' },
    field({ name: 'state', label: 'State', options: STATES.map((s) => [s, s || 'any']), value: ctx.query.get('state') || '' }),
    field({ name: 'simulator_id', label: 'Simulator', options: [['', 'any'], ...simulators.map((s) => [s.id, s.hostname])], value: ctx.query.get('simulator_id') || '' }),
    field({ name: 'region_id', label: 'Region', options: [['', 'any'], ...regions.map((r) => [r.id, r.name])], value: ctx.query.get('region_id') || '' }));
  const body = h('tbody');
  const updated = h('span', { class: 'live' }, 'live');
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Operations'), updated),
    h('div', { class: 'card' }, filters, h('table', { class: 'table', 'aria-label': 'Operations' },
      h('thead', {}, h('tr', {}, ['Kind', 'Class', 'Region', 'Version', 'Simulator', 'State', 'Progress', 'Attempts', 'Created', 'Updated'].map((t) => h('th', {}, t)))), body)));

  async function load() {
    const params = { state: filters.elements.state.value, simulator_id: filters.elements.simulator_id.value, region_id: filters.elements.region_id.value, limit: 200 };
    const items = (await get('/operations' + query(params))).items || [];
    clear(body, items.length ? items.map((o) => h('tr', { class: 'op-row', tabindex: '0', onclick: () => details(o), onkeydown: (e) => { if (e.key === 'Enter') details(o); } },
      h('td', {}, o.kind), h('td', {}, o.class), h('td', {}, regionName[o.region_id] || o.spec?.name || o.region_id.slice(0, 8)),
      h('td', { class: 'mono' }, o.region_version), h('td', {}, simName[o.simulator_id] || o.simulator_id.slice(0, 8)),
      h('td', {}, badge(o.state)), h('td', {}, progress(o)), h('td', {}, o.attempts), h('td', {}, time(o.created_at)), h('td', {}, time(o.updated_at))))
      : emptyRow(10, 'No operations match.'));
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
  }
  filters.addEventListener('change', () => {
    const params = { state: filters.elements.state.value, simulator_id: filters.elements.simulator_id.value, region_id: filters.elements.region_id.value };
    history.replaceState({}, '', '/operations' + query(params));
    load();
  });
  await load();
  const timer = setInterval(() => load().catch(() => {}), 3000);
  return () => clearInterval(timer);
}

function details(o) {
  return dialog(`Operation ${o.kind} · ${o.state}`, (close) => h('div', {},
    h('dl', { class: 'kv' }, h('dt', {}, 'Id'), h('dd', { class: 'mono' }, o.id), h('dt', {}, 'Due'), h('dd', {}, o.due_at || 'now'),
      h('dt', {}, 'Result'), h('dd', {}, h('pre', { class: 'json' }, JSON.stringify(o.result, null, 2)))),
    h('h3', {}, 'Spec'), h('pre', { class: 'json' }, JSON.stringify(o.spec, null, 2)),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'Close'))), { wide: true });
}
