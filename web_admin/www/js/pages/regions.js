// Regions: a searchable, sortable list; one region's details, how each simulator-facing field
// applies and where it stands (region_settings.js), edit, restart, delete, history with a diff
// between any two versions, and rollback; its Snapshots tab (region_snapshots.js).
import { get, listAll, post, query } from '../api.js';
import { badge, clear, emptyRow, h, time, toast } from '../ui.js';
import { changesTable, createRegionDialog, editRegionDialog } from '../region_form.js';
import { historySection } from '../region_history.js';
import { deleteBanner, deleteRegionDialog } from '../region_delete.js';
import { snapshotsPanel } from '../region_snapshots.js';
import { moveDialog } from '../migrations.js';
import { isOpen, progress } from '../op_progress.js';
import { loadSettingsTable, pendingBanner, settingsCard } from '../region_settings.js';
import { operationDialog } from '../op_details.js';

// What an operator wants to know first: disabled, not on any simulator, its simulator down,
// a change on its way (pending/delivered), the last change failed, or running.
export function regionState(region, operations = [], simulators = []) {
  if (!region.flags?.enabled) return 'disabled';
  // Waiting for a simulator (docs/api.md, "Pending regions"): distinct from an unplaced region
  // placed by hand and from a pending operation.
  if (region.placement_state === 'pending') return 'placement-pending';
  if (!region.placement?.simulator_id) return 'unplaced';
  const simulator = simulators.find((s) => s.id === region.placement.simulator_id);
  if (simulator && (simulator.state === 'offline' || simulator.state === 'revoked')) return 'offline';
  const open = operations.find((o) => o.region_id === region.id && (o.state === 'pending' || o.state === 'delivered'));
  if (open) return open.state;
  const last = operations.find((o) => o.region_id === region.id);
  return last?.state === 'failed' ? 'failed' : 'online';
}

export async function render(main, ctx) {
  if (ctx.params.id) return renderRegion(main, ctx, ctx.params.id);
  return renderList(main, ctx);
}

const COLUMNS = [
  ['name', 'Name'], ['state', 'State'], ['loc', 'Location'], ['size', 'Size'], ['host', 'Host:port'],
  ['estate', 'Estate'], ['version', 'Version'],
];

async function renderList(main, ctx) {
  const search = h('input', { type: 'search', placeholder: 'Search name, host, estate…', 'aria-label': 'Search regions', value: ctx.query.get('q') || '' });
  const body = h('tbody');
  let sort = { key: 'name', dir: 1 };
  const head = h('tr', {}, COLUMNS.map(([key, label]) => h('th', {},
    h('button', { type: 'button', class: 'sort', dataset: { key }, onclick: () => { sort = { key, dir: sort.key === key ? -sort.dir : 1 }; draw(); } }, label))));
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Regions'),
      h('div', { class: 'toolbar' }, search,
        ctx.can('write') ? h('button', { class: 'primary', type: 'button', onclick: async () => {
          const region = await createRegionDialog();
          if (region) ctx.navigate('/regions/' + region.id);
        } }, '+ New region') : null)),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Regions' }, h('thead', {}, head), body)));

  const [regions, estates, operations, simulators] = await Promise.all([
    listAll('/regions'), listAll('/estates'), get('/operations?limit=500').then((r) => r.items || []).catch(() => []),
    listAll('/simulators').catch(() => [])]);
  const estateName = Object.fromEntries(estates.map((e) => [e.id, e.name]));
  const rows = regions.map((r) => ({
    region: r, name: r.name, state: regionState(r, operations, simulators), loc: r.loc_x * 1e8 + r.loc_y, size: r.size_x * r.size_y,
    host: r.host + ':' + r.port, estate: estateName[r.estate_id] || r.estate_id, version: r.version.split('.').map(Number).reduce((a, n) => a * 1e4 + n, 0),
  }));

  function draw() {
    const q = search.value.trim().toLowerCase();
    const shown = rows
      .filter((r) => !q || [r.name, r.host, r.estate, r.state].some((s) => String(s).toLowerCase().includes(q)))
      .sort((a, b) => (a[sort.key] < b[sort.key] ? -1 : a[sort.key] > b[sort.key] ? 1 : 0) * sort.dir);
    head.querySelectorAll('button.sort').forEach((b) => b.setAttribute('aria-sort', b.dataset.key === sort.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none'));
    clear(body, shown.length ? shown.map(({ region: r, state, estate }) => h('tr', {},
      h('td', {}, h('a', { href: '/regions/' + r.id }, r.name)),
      h('td', {}, badge(state), (r.pending_restart || []).length ? h('span', { class: 'badge badge-warn', title: r.pending_restart.join(', ') }, 'pending-restart') : null),
      h('td', { class: 'mono' }, `${r.loc_x}, ${r.loc_y}`), h('td', {}, `${r.size_x}×${r.size_y}`),
      h('td', { class: 'mono' }, r.placement_state === 'pending' ? '— (pending)' : `${r.host}:${r.port}`), h('td', {}, estate), h('td', { class: 'mono' }, r.version)))
      : emptyRow(COLUMNS.length, regions.length ? 'No region matches.' : 'No regions yet.'));
  }
  search.addEventListener('input', draw);
  draw();
  return undefined;
}

function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

const regionSnapshots = (id) => listAll(`/regions/${encodeURIComponent(id)}/snapshots`).catch((e) => (e.status === 404 || e.status === 405 ? null : []));
const regionOperations = (id) => get('/operations' + query({ region_id: id })).then((r) => r.items || []).catch(() => []);

// A pending region says why no simulator has taken it yet (placement_reasons).
function placementBanner(region) {
  if (region.placement_state !== 'pending') return '';
  return h('div', { class: 'banner banner-warn', role: 'status', 'data-testid': 'placement-pending' },
    h('strong', {}, 'pending'), ': no simulator can take this region yet; it is placed as soon as one can. placement_reasons:',
    h('ul', {}, (region.placement_reasons || []).map((reason) => h('li', {}, reason))));
}

async function renderRegion(main, ctx, id) {
  let region;
  try {
    region = await get('/regions/' + encodeURIComponent(id));
  } catch (e) {
    clear(main, h('h1', {}, 'Region not found'), h('p', {}, e.message), h('a', { href: '/regions' }, 'Back to regions'));
    return undefined;
  }
  const [versions, operations, template, snapshots, settingsTable, estate] = await Promise.all([
    get(`/regions/${encodeURIComponent(id)}/history`).then((r) => r.items || r),
    regionOperations(id),
    region.template_id ? get('/templates/' + encodeURIComponent(region.template_id)).catch(() => null) : null,
    regionSnapshots(id),
    loadSettingsTable(),
    get('/estates/' + encodeURIComponent(region.estate_id)).catch(() => null),
  ]);
  const names = estate ? { estate_id: { [estate.id]: estate.name } } : {};
  let tab = ctx.query.get('tab') === 'snapshots' ? 'snapshots' : 'overview';
  const here = () => '/regions/' + encodeURIComponent(id) + (tab === 'snapshots' ? '?tab=snapshots' : '');
  const reload = () => ctx.navigate(here(), { replace: true });
  const afterDelete = (result) => (result.deleted ? ctx.navigate('/regions') : reload());
  const lastChanges = h('section', { class: 'last-changes card', hidden: true });

  const actions = h('div', { class: 'toolbar' });
  if (ctx.can('write')) {
    actions.append(
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        const updated = await editRegionDialog(region, settingsTable);
        if (updated) {
          await reload();
          const target = document.querySelector('.last-changes');
          if (target) target.hidden = false;
          if (target) target.replaceChildren(h('h3', {}, `Last change: ${updated.change}`), changesTable(updated.changes, settingsTable));
        }
      } }, 'Edit'),
      h('button', { type: 'button', onclick: async () => {
        try {
          await post(`/regions/${encodeURIComponent(id)}/upgrade-template`);
          toast('Upgraded to the template\'s latest version', 'ok');
          reload();
        } catch (e) {
          toast(e.message, 'error');
        }
      }, disabled: !template || template.version === region.template_version, title: template ? `template at v${template.version}` : 'not made from a template' }, 'Upgrade template'),
      h('button', { type: 'button', disabled: !region.placement?.simulator_id, onclick: async () => {
        try {
          await post(`/regions/${encodeURIComponent(id)}/restart`);
          toast('Restart queued', 'ok');
          reload();
        } catch (e) {
          toast(e.message, 'error');
        }
      } }, 'Restart'),
      // The move carries the region's content (snapshot, load on the target, switch, teardown).
      h('button', { type: 'button', disabled: !region.placement?.simulator_id, onclick: async () => {
        if (await moveDialog(ctx, region)) reload();
      } }, 'Move'),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        const result = await deleteRegionDialog(region, snapshots);
        if (result) afterDelete(result);
      } }, 'Delete'));
  }

  const opsBox = h('div');
  const stateBox = h('span');
  const settingsBox = h('div');
  const pendingBox = h('div');
  const overview = h('div', { role: 'tabpanel', id: 'panel-overview', 'aria-labelledby': 'tab-overview' },
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', {}, 'Details'), kv([
        ['State', stateBox], ['Location', `${region.loc_x}, ${region.loc_y}`],
        ['Size', `${region.size_x} × ${region.size_y} m`],
        ['Host', region.placement_state === 'pending' ? '— (pending)' : `${region.host}:${region.port}`],
        ['placement_state', h('span', { 'data-testid': 'placement-state' }, region.placement_state || 'placed')],
        ['Physics', region.physics_type], ['Terrain', region.terrain_preset],
        ['Template', region.template_id ? h('a', { href: '/templates/' + region.template_id }, `${template?.name || region.template_id.slice(0, 8)} v${region.template_version}`,
          template && template.version !== region.template_version ? h('span', { class: 'badge badge-warn' }, `v${template.version} available`) : null) : '—'],
        ['Pinned simulator', region.placement?.simulator_id ? h('a', { href: '/simulators/' + encodeURIComponent(region.placement.simulator_id), class: 'mono' }, region.placement.simulator_id) : '—'], ['Enabled', String(region.flags?.enabled)],
        ['Max agents / prims', `${region.flags?.max_agents} / ${region.flags?.max_prims}`],
        ['Lifecycle', region.lifecycle || '—'], ['State mode', stateMode(region)],
      ]), h('p', {}, h('a', { href: `/api/v1/regions/${encodeURIComponent(id)}/stub`, target: '_blank' }, 'Regions.ini stub'))),
      h('section', { class: 'card' }, h('h2', {}, 'Operations'), opsBox)),
    settingsBox,
    historySection(ctx, region, versions, reload));
  const snapshotsBox = h('div', { role: 'tabpanel', id: 'panel-snapshots', 'aria-labelledby': 'tab-snapshots' });
  const bannerBox = h('div');
  let moving = false;
  let applying = false;
  // The operations and the fields' standing; `current` is the region as last read (its
  // pending_restart changes when an operation finishes, its version does not).
  const drawSettings = (current, ops) => {
    opsBox.replaceChildren(operationsList(ops));
    stateBox.replaceChildren(badge(regionState(current, ops)));
    applying = ops.some(isOpen) || (current.pending_restart || []).length > 0;
    settingsBox.replaceChildren(settingsCard(current, settingsTable, ops, names));
    pendingBox.replaceChildren(pendingBanner(ctx, current, ops, refreshSettings) || '');
  };
  const draw = (list, ops) => {
    moving = ops.some((o) => isOpen(o) && (o.kind === 'snapshot' || o.kind === 'restore'));
    snapshotsBox.replaceChildren(snapshotsPanel(ctx, region, list, ops, reload));
    bannerBox.replaceChildren(deleteBanner(ctx, region, list, ops, afterDelete) || '');
  };
  let left = false;
  async function refreshSettings() {
    const [current, ops] = await Promise.all([get('/regions/' + encodeURIComponent(id)).catch(() => null), regionOperations(id)]);
    if (current && !left) drawSettings(current, ops);
    return ops;
  }
  drawSettings(region, operations);
  draw(snapshots, operations);
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Region sections' },
    [['overview', 'Overview'], ['snapshots', 'Snapshots']].map(([key, label]) => h('button', {
      type: 'button', role: 'tab', id: 'tab-' + key, 'aria-controls': 'panel-' + key, dataset: { tab: key },
      onclick: () => select(key, true) }, label)));
  function select(key, remember = false) {
    tab = key;
    if (remember) history.replaceState({}, '', here());
    tabs.querySelectorAll('[role=tab]').forEach((b) => {
      b.setAttribute('aria-selected', String(b.dataset.tab === key));
      b.tabIndex = b.dataset.tab === key ? 0 : -1;
    });
    overview.hidden = key !== 'overview';
    snapshotsBox.hidden = key !== 'snapshots';
  }
  select(tab);

  clear(main,
    h('header', { class: 'page-head' },
      h('div', {}, h('a', { href: '/regions', class: 'crumb' }, 'Regions'),
        h('h1', {}, region.name, ' ', h('span', { class: 'version', 'data-testid': 'region-version' }, 'v' + region.version))),
      actions),
    placementBanner(region), bannerBox, pendingBox, lastChanges, tabs, overview, snapshotsBox);

  // While the Snapshots tab shows, a delete waits for its final snapshot or a snapshot or restore
  // is under way: the snapshots and operations every 3 s; a region deleted meanwhile leaves.
  // While an operation is open or fields wait for a restart: the region and its operations, so
  // the settings' status follows the simulator's results without a reload.
  let busy = false;
  const timer = setInterval(async () => {
    const snapshotsWanted = snapshots !== null && (tab === 'snapshots' || bannerBox.firstElementChild || moving);
    if (left || busy || (!snapshotsWanted && !applying)) return;
    busy = true;
    try {
      const ops = await refreshSettings();
      if (!snapshotsWanted) return;
      const list = await regionSnapshots(id);
      if (bannerBox.querySelector('.banner-info')) {
        const gone = await get('/regions/' + encodeURIComponent(id)).then(() => false, (e) => e.status === 404);
        if (gone && !left) {
          toast(`Region ${region.name} deleted`, 'ok');
          ctx.navigate('/regions');
          return;
        }
      }
      if (list && !left) draw(list, ops);
    } finally {
      busy = false;
    }
  }, 3000);
  return () => {
    left = true;
    clearInterval(timer);
  };
}

function stateMode(region) {
  const mode = region.region_state_mode || '—';
  if (mode !== 'hybrid' || !region.state_parts) return mode;
  const on = Object.entries(region.state_parts).filter(([, v]) => v).map(([k]) => k);
  return `hybrid (${on.length ? on.join(', ') : 'always-saved parts only'})`;
}

function operationsList(operations) {
  if (!operations.length) return h('p', { class: 'muted' }, 'No operations (the region is not pinned to a simulator, or none was queued).');
  return h('table', { class: 'table compact', 'aria-label': 'Region operations' },
    h('thead', {}, h('tr', {}, ['Kind', 'Class', 'Version', 'State', 'Progress', 'Attempts', 'Updated'].map((t) => h('th', {}, t)))),
    h('tbody', {}, operations.slice(0, 20).map((o) => h('tr', { class: 'op-row', tabindex: '0', title: 'Open its details',
      onclick: () => operationDialog(o), onkeydown: (e) => { if (e.key === 'Enter') operationDialog(o); } },
      h('td', {}, o.kind), h('td', {}, o.class), h('td', { class: 'mono' }, o.region_version), h('td', {}, badge(o.state)), h('td', {}, progress(o)),
      h('td', {}, o.attempts), h('td', {}, time(o.updated_at))))));
}
