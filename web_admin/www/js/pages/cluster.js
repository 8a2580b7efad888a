// Cluster: the control-plane replicas sharing the database (GET /api/v1/cluster), in the CLI's
// words: which one is the leader, which are live and which are gone (not seen within failover_s),
// and this replica (the one that answered the console). Polled every 5 s; a failed poll says so
// above the last answer, which stays, marked as old.
import { get } from '../api.js';
import { clear, emptyRow, h, time } from '../ui.js';

const COORDINATION = {
  postgresql: 'PostgreSQL: the replicas share one database, which elects the leader (an advisory lock).',
  mysql: 'MariaDB/MySQL: the replicas share one database, which elects the leader.',
  single: 'SQLite: one replica, which always leads.',
};

// What the page reads; a member missing is an error naming it, not a blank page.
function checkCluster(answer) {
  const fail = (what) => {
    throw new Error('unexpected answer from /api/v1/cluster: ' + what);
  };
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) fail('not an object');
  if (typeof answer.replica !== 'string') fail('no "replica"');
  if (!('leader' in answer) || (answer.leader !== null && typeof answer.leader !== 'string')) fail('no "leader"');
  if (typeof answer.coordination !== 'string') fail('no "coordination"');
  if (!Array.isArray(answer.items)) fail('no "items" array');
  answer.items.forEach((item, i) => {
    if (!item || typeof item !== 'object') fail(`"items[${i}]" is not an object`);
    for (const key of ['id', 'leading', 'live']) if (!(key in item)) fail(`no "items[${i}].${key}"`);
  });
  return answer;
}

function nameOf(items, id) {
  const item = items.find((r) => r.id === id);
  return item?.name || id;
}

function summary(c) {
  const leader = c.leader === null ? 'none' : nameOf(c.items, c.leader);
  return h('section', { class: 'card' }, h('dl', { class: 'kv' },
    h('dt', {}, 'Coordination'), h('dd', {}, h('strong', { 'data-testid': 'cluster-coordination' }, c.coordination),
      COORDINATION[c.coordination] ? h('div', { class: 'muted' }, COORDINATION[c.coordination]) : null),
    h('dt', {}, 'Leader'), h('dd', { 'data-testid': 'cluster-leader' }, leader),
    h('dt', {}, 'This replica'), h('dd', { 'data-testid': 'cluster-replica' }, nameOf(c.items, c.replica)),
    h('dt', {}, 'Failover'), h('dd', {}, c.failover_s === undefined ? '—' : `within ${c.failover_s} s`)));
}

function row(c, r) {
  return h('tr', { class: r.live ? null : 'replica-gone', 'data-replica': r.id },
    h('td', {}, h('strong', {}, r.name || '—'), r.id === c.replica ? [' ', h('span', { class: 'badge badge-info', 'data-testid': 'this-replica' }, 'this replica')] : null),
    h('td', { class: 'mono muted' }, r.id),
    h('td', { class: 'mono' }, r.url || '—'),
    h('td', { class: 'mono' }, r.version || '—'),
    h('td', {}, r.started_at ? time(r.started_at) : '—'),
    h('td', {}, r.seen_at ? time(r.seen_at) : '—'),
    h('td', {}, r.leading ? h('span', { class: 'badge badge-ok' }, 'leader') : '—'),
    h('td', {}, h('span', { class: 'badge badge-' + (r.live ? 'ok' : 'muted') }, r.live ? 'live' : 'gone')));
}

export async function render(main) {
  const status = h('div', { 'aria-live': 'polite' });
  const top = h('div');
  const body = h('tbody');
  const heads = ['Name', 'Id', 'URL', 'Version', 'Started', 'Seen', 'Leader', 'Live'];
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Cluster'), h('span', { class: 'live' }, 'live')),
    status, top,
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Replicas' },
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))), body)));
  let shown = false;
  let left = false;

  async function load() {
    let c;
    try {
      c = checkCluster(await get('/cluster'));
    } catch (e) {
      if (left) return;
      const why = e.status === 404 ? 'this control plane has no /api/v1/cluster (it predates several replicas)'
        : e.message + (e.status ? ` (HTTP ${e.status})` : '');
      // One span: the banner is a flex box, and the sentence should wrap as one.
      clear(status, h('div', { class: 'banner banner-bad', role: 'alert', 'data-testid': 'cluster-error' }, h('span', {},
        h('strong', {}, 'Could not load the cluster'), ': ', why, shown ? ' — the list below is the last answer and may be out of date.' : '')));
      if (!shown) clear(body, emptyRow(heads.length, 'No answer from the control plane.'));
      return;
    }
    if (left) return;
    shown = true;
    clear(status, c.leader === null ? h('div', { class: 'banner banner-warn', role: 'alert', 'data-testid': 'no-leader' }, h('span', {},
      h('strong', {}, 'No leader'), `: no live replica leads right now. The leader-only jobs (liveness, lazy delivery, scheduled snapshots, retention, pending placement) wait until one takes over${c.failover_s ? `, within ${c.failover_s} s` : ''}.`)) : null);
    clear(top, summary(c));
    clear(body, c.items.length ? c.items.map((r) => row(c, r)) : emptyRow(heads.length, 'No replica has beaten lately.'));
  }

  await load();
  const timer = setInterval(load, 5000);
  return () => {
    left = true;
    clearInterval(timer);
  };
}
