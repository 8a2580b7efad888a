// Operations: the durable queue to the simulators, filterable by state, simulator and region,
// refreshed when an event arrives (live.js). A bridge's progress reports and its pick-up of an
// operation are no events, so while a listed operation is `delivered` the page also reads the list
// every 3 s; otherwise only a 60 s safety-net refresh. An open operation shows how long it has been waiting and its attempts;
// a snapshot or restore shows the bridge's progress, in the list and in its open details, and a
// finished one what became of each field it carried (op_details.js).
import { get, listAll, query } from '../api.js';
import { badge, clear, emptyRow, field, h, time } from '../ui.js';
import { progress } from '../op_progress.js';
import { detailsBody, operationDialog } from '../op_details.js';
import { liveRefresh } from '../live.js';

const STATES = ['', 'pending', 'delivered', 'succeeded', 'failed'];

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

  // The details dialog that is open, refreshed by each load while its operation is listed.
  let open = null;
  const details = (o) => {
    const body = h('div');
    open = { id: o.id, update: (next) => clear(body, detailsBody(next)) };
    open.update(o);
    return operationDialog(o, body).finally(() => (open = null));
  };

  async function load() {
    const params = { state: filters.elements.state.value, simulator_id: filters.elements.simulator_id.value, region_id: filters.elements.region_id.value, limit: 200 };
    const items = (await get('/operations' + query(params))).items || [];
    clear(body, items.length ? items.map((o) => h('tr', { class: 'op-row', tabindex: '0', onclick: () => details(o), onkeydown: (e) => { if (e.key === 'Enter') details(o); } },
      h('td', {}, o.kind), h('td', {}, o.class), h('td', {}, regionName[o.region_id] || o.spec?.name || o.region_id.slice(0, 8)),
      h('td', { class: 'mono' }, o.region_version), h('td', {}, simName[o.simulator_id] || o.simulator_id.slice(0, 8)),
      h('td', {}, badge(o.state)), h('td', {}, progress(o)), h('td', {}, o.attempts), h('td', {}, time(o.created_at)), h('td', {}, time(o.updated_at))))
      : emptyRow(10, 'No operations match.'));
    const shown = open && items.find((o) => o.id === open.id);
    if (shown) open.update(shown);
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
    following = items.some((o) => o.state === 'delivered');
    clearTimeout(progressTimer);
    if (following && !left) progressTimer = setTimeout(() => load().catch(() => {}), 3000);
  }
  let following = false;
  let progressTimer = null;
  let left = false;
  filters.addEventListener('change', () => {
    const params = { state: filters.elements.state.value, simulator_id: filters.elements.simulator_id.value, region_id: filters.elements.region_id.value };
    history.replaceState({}, '', '/operations' + query(params));
    load();
  });
  await load();
  const stopLive = liveRefresh(['org.vergegrid.'], load);
  return () => {
    left = true;
    stopLive();
    clearTimeout(progressTimer);
  };
}
