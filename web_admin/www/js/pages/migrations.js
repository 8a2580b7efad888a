// Migrations: the moves of regions with their content, newest first, filtered by state, region,
// batch or simulator (the API's words), each with its steps when opened; above them the recent
// batches (drains, evacuations, rebalances) with their progress. Polled every 3 s.
import { get, query } from '../api.js';
import { badge, clear, emptyRow, field, formValue, h, time } from '../ui.js';
import { batchProgress, migrationSteps, migrationSummary } from '../migrations.js';

const STATES = ['', 'queued', 'running', 'rolling_back', 'succeeded', 'failed', 'cancelled'];

export async function render(main, ctx) {
  const filters = h('form', { class: 'toolbar', 'aria-label': 'Migration filters' },
    field({ name: 'state', label: 'State', options: STATES.map((s) => [s, s || 'any']), value: ctx.query.get('state') || '' }),
    field({ name: 'region_id', label: 'Region id', value: ctx.query.get('region_id') || '' }),
    field({ name: 'batch_id', label: 'Batch id', value: ctx.query.get('batch_id') || '' }),
    field({ name: 'simulator_id', label: 'Simulator id', value: ctx.query.get('simulator_id') || '' }));
  const body = h('tbody');
  const batches = h('div');
  const open = new Set();
  // The five newest batches, more on request (the list grows a page at a time and stays grown
  // while the page polls).
  let batchLimit = 5;
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Migrations'), h('span', { class: 'live' }, 'live')),
    h('section', { class: 'card' }, h('h2', {}, 'Batches'), batches),
    h('section', { class: 'card' }, filters,
      h('table', { class: 'table', 'aria-label': 'Migrations' },
        h('thead', {}, h('tr', {}, ['Region', 'From → to', 'State', 'Step', 'Downtime', 'Started'].map((t) => h('th', {}, t)))), body)));

  async function load() {
    const params = {};
    for (const name of ['state', 'region_id', 'batch_id', 'simulator_id']) {
      const value = formValue(filters, name).trim();
      if (value) params[name] = value;
    }
    const [moves, recent] = await Promise.all([get('/migrations' + query({ ...params, limit: 100 })), get('/migration-batches' + query({ limit: batchLimit }))]);
    const older = () => {
      batchLimit = Math.min(batchLimit + 20, 500);
      load().catch(() => {});
    };
    clear(batches, recent.items.length
      ? [h('ul', { class: 'plain', 'aria-label': 'Batches' }, recent.items.map((b) => h('li', {}, batchProgress(b), h('span', { class: 'mono muted' }, b.id)))),
        recent.next && batchLimit < 500 ? h('button', { type: 'button', onclick: older }, 'Show older batches') : null]
      : h('p', { class: 'muted' }, 'No drain, evacuation or rebalance yet.'));
    clear(body, moves.items.length ? moves.items.flatMap((m) => {
      const toggle = () => {
        if (open.has(m.id)) open.delete(m.id);
        else open.add(m.id);
        load();
      };
      const row = h('tr', { class: 'op-row', tabindex: '0', 'aria-expanded': String(open.has(m.id)), onclick: toggle, onkeydown: (e) => { if (e.key === 'Enter') toggle(); } },
        h('td', {}, h('a', { href: '/regions/' + encodeURIComponent(m.region_id), onclick: (e) => e.stopPropagation() }, m.region_name)),
        h('td', { class: 'mono muted' }, `${m.source_simulator_id.slice(0, 8)} → ${(m.target_simulator_id || '').slice(0, 8)}`),
        h('td', {}, badge(m.state), m.error ? h('div', { class: 'failure' }, m.error) : null), h('td', {}, m.step || ''),
        h('td', {}, m.downtime_ms != null ? `${m.downtime_ms} ms` : ''), h('td', {}, time(m.created_at)));
      return open.has(m.id) ? [row, h('tr', {}, h('td', { colspan: 6 }, migrationSummary(m), migrationSteps(m)))] : [row];
    }) : emptyRow(6, 'No move matches.'));
  }
  filters.addEventListener('change', () => load().catch(() => {}));
  await load();
  const timer = setInterval(() => load().catch(() => {}), 3000);
  return () => clearInterval(timer);
}
