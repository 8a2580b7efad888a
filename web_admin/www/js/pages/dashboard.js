// Dashboard: what needs attention (simulators with a state_detail, regions with fields pending a
// restart), regions by state, simulators online/offline, pending and failed operations, the
// latest audit entries. Refreshes when an event arrives on the live stream (live.js), with a
// 60 s refresh as a safety net.
import { get, listAll } from '../api.js';
import { liveRefresh } from '../live.js';
import { badge, clear, emptyRow, h, time } from '../ui.js';
import { regionState } from './regions.js';

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] || 0) + 1;
  return counts;
}

function stat(label, value, split, href) {
  return h('a', { class: 'stat', href, 'data-testid': 'stat-' + label.toLowerCase().replace(/\s+/g, '-') },
    h('div', { class: 'num' }, value), h('div', { class: 'what' }, label),
    h('div', { class: 'split' }, Object.entries(split).map(([state, n]) => h('span', {}, badge(`${state} ${n}`)))));
}

// A simulator that reports what is wrong with it, in its bridge's words, and the regions whose
// changes wait for a restart.
function attention(simulators, regions) {
  const waiting = regions.filter((r) => (r.pending_restart || []).length);
  const unplaced = regions.filter((r) => r.placement_state === 'pending');
  return [
    simulators.filter((s) => s.state_detail).map((s) => h('div', { class: 'banner banner-bad', role: 'alert', 'data-testid': 'state-detail' },
      h('a', { href: '/simulators/' + encodeURIComponent(s.id) }, h('strong', {}, s.hostname)), ': ', s.state_detail)),
    waiting.length ? h('div', { class: 'banner banner-warn', 'data-testid': 'pending-restart' },
      h('strong', {}, 'pending-restart'), `: ${waiting.length} region${waiting.length > 1 ? 's' : ''} with changes that apply when the region restarts — `,
      waiting.slice(0, 10).map((r, i) => [i ? ', ' : '', h('a', { href: '/regions/' + encodeURIComponent(r.id) }, r.name)])) : null,
    unplaced.length ? h('div', { class: 'banner banner-warn', 'data-testid': 'placement-pending' },
      h('strong', {}, 'pending'), `: ${unplaced.length} region${unplaced.length > 1 ? 's' : ''} waiting for a simulator (placement_state pending) — `,
      unplaced.slice(0, 10).map((r, i) => [i ? ', ' : '', h('a', { href: '/regions/' + encodeURIComponent(r.id), title: (r.placement_reasons || []).join('\n') }, r.name)])) : null,
  ];
}

export async function render(main, ctx) {
  const content = h('div');
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Dashboard'), h('span', { class: 'live' }, 'live')), content);
  async function load() {
    const [regions, simulators, operations, audit] = await Promise.all([
      listAll('/regions'), listAll('/simulators'),
      get('/operations?limit=500').then((r) => r.items || []).catch(() => []),
      get('/audit?limit=10').then((r) => r.items || []).catch(() => []),
    ]);
    const regionStates = countBy(regions, (r) => regionState(r, operations, simulators));
    const simStates = countBy(simulators, (s) => s.state);
    const pending = operations.filter((o) => o.state === 'pending' || o.state === 'delivered');
    const failed = operations.filter((o) => o.state === 'failed');
    // badge() colours by state name; the counts ride along in the text.
    const fix = (el) => { el.querySelectorAll('.badge').forEach((b) => { b.className = 'badge badge-' + ({ online: 'ok', pending: 'warn', delivered: 'info', failed: 'bad', offline: 'bad', cordoned: 'warn', revoked: 'bad', registered: 'info' }[b.textContent.split(' ')[0]] || 'muted'); }); return el; };
    clear(content,
      attention(simulators, regions),
      fix(h('div', { class: 'stats' },
        stat('Regions', regions.length, regionStates, '/regions'),
        stat('Pending regions', regions.filter((r) => r.placement_state === 'pending').length, {}, '/regions'),
        stat('Simulators online', simStates.online || 0, { ...simStates }, '/simulators'),
        stat('Simulators offline', simStates.offline || 0, {}, '/simulators'),
        stat('Pending operations', pending.length, countBy(pending, (o) => o.state), '/operations?state=pending'),
        stat('Failed operations', failed.length, {}, '/operations?state=failed'))),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card' }, h('h2', {}, 'Open and failed operations'),
          h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, ['Kind', 'Region', 'State', 'Updated'].map((t) => h('th', {}, t)))),
            h('tbody', {}, [...pending, ...failed].slice(0, 10).map((o) => h('tr', {},
              h('td', {}, o.kind), h('td', {}, h('a', { href: '/regions/' + o.region_id }, o.spec?.name || o.region_id.slice(0, 8))),
              h('td', {}, badge(o.state)), h('td', {}, time(o.updated_at)))).concat(pending.length + failed.length ? [] : [emptyRow(4, 'Nothing waiting, nothing failed.')])))),
        h('section', { class: 'card' }, h('h2', {}, 'Recent audit entries'),
          h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, ['Action', 'Actor', 'When'].map((t) => h('th', {}, t)))),
            h('tbody', {}, audit.length ? audit.map((a) => h('tr', {}, h('td', { class: 'mono' }, a.action), h('td', {}, a.actor), h('td', {}, time(a.at))))
              : emptyRow(3, 'No audit entries yet.'))))));
  }
  await load();
  // Everything on it can change with any event (the audit entries list them all).
  return liveRefresh(['org.vergegrid.'], load);
}
