// Snapshots: every region's snapshots (GET /api/v1/snapshots), newest first, filterable by region,
// state and reason, polled every 5 s. Restoring starts from the region's own Snapshots tab, where
// the region it would change is in view; "New region…" makes a region from a complete snapshot.
import { get, listAll, query } from '../api.js';
import { clear, field, h } from '../ui.js';
import { REASONS, STATES, snapshotTable } from '../snapshots.js';
import { newRegionFromSnapshotDialog } from '../snapshot_new_region.js';

export async function render(main, ctx) {
  const regions = await listAll('/regions').catch(() => []);
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter snapshots' },
    field({ name: 'region_id', label: 'Region', options: [['', 'any'], ...regions.map((r) => [r.id, r.name])], value: ctx.query.get('region_id') || '' }),
    field({ name: 'state', label: 'State', options: [['', 'any'], ...STATES], value: ctx.query.get('state') || '' }),
    field({ name: 'reason', label: 'Reason', options: [['', 'any'], ...REASONS], value: ctx.query.get('reason') || '' }));
  const box = h('div');
  const updated = h('span', { class: 'live' }, 'live');
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Snapshots'), updated), h('div', { class: 'card' }, filters, box));
  const params = () => ({ region_id: filters.elements.region_id.value, state: filters.elements.state.value, reason: filters.elements.reason.value });

  async function load() {
    let items;
    try {
      items = (await get('/snapshots' + query({ ...params(), limit: 200 }))).items || [];
    } catch (e) {
      if (e.status !== 404) throw e;
      clear(box, h('p', { class: 'muted' }, 'This control plane does not offer snapshots (no /api/v1/snapshots).'));
      return false;
    }
    // A deleted region's snapshots outlive it: they keep the name they were taken under.
    const names = Object.fromEntries(regions.map((r) => [r.id, r.name]));
    const rows = items.map((s) => ({ ...s, region_name: s.region_name || names[s.region_id] }));
    const onNewRegion = async (s) => {
      const created = await newRegionFromSnapshotDialog(s);
      if (created) ctx.navigate(`/regions/${encodeURIComponent(created.id)}?tab=snapshots`);
    };
    clear(box, snapshotTable(rows, { ctx, showRegion: true, onChange: () => load(), onNewRegion }));
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
    return true;
  }
  filters.addEventListener('change', () => {
    history.replaceState({}, '', '/snapshots' + query(params()));
    load();
  });
  if (!(await load())) return undefined;
  const timer = setInterval(() => load().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
