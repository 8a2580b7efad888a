// Simulators: labels, load (CPU, memory, regions against capacity), heartbeat age, state and,
// when something is wrong with the simulator (a console question it is stuck on…), its
// `state_detail` as the bridge reports it; registration tokens (created and shown once); cordon,
// uncordon, drain (a plan, or executed: the moves with a progress bar and Cancel), evacuate (an
// offline simulator's regions from their snapshots), revoke, rotate key. One simulator's page (/simulators/{id}): the same, its regions
// and its recent operations.
import { get, listAll, post, query } from '../api.js';
import { badge, bar, clear, confirmDialog, copyText, dialog, emptyRow, field, formValue, h, submitWith, time, toast } from '../ui.js';
import { progress } from '../op_progress.js';
import { operationDialog } from '../op_details.js';
import { followBatch } from '../migrations.js';
import { liveRefresh } from '../live.js';

// Heartbeats (load, last heartbeat) are no events, only state changes are: a 30 s refresh keeps
// those figures from going stale.
const HEARTBEAT_REFRESH_MS = 30000;

// Drain: without "execute" a plan (where each region would go); executed, the moves start as a
// batch whose progress the dialog follows live, with its Cancel button.
function drainDialog(s, evacuate = false) {
  const verb = evacuate ? 'Evacuate' : 'Drain';
  return dialog(`${verb} ${s.hostname}`, (close) => {
    const result = h('div', { 'aria-live': 'polite' });
    let stop = () => {};
    const form = h('form', { novalidate: true, 'aria-label': verb + ' simulator' },
      evacuate ? h('p', {}, 'The simulator is offline: each region is recreated elsewhere from its latest snapshot (what changed since is lost).')
        : field({ name: 'execute', label: 'Execute: move every region now (otherwise only plan)', type: 'checkbox' }),
      field({ name: 'max_parallel', label: 'Moves at once', type: 'number', value: 2, min: 1, max: 16 }),
      evacuate ? null : field({ name: 'warm', label: 'Warm moves', type: 'checkbox' }),
      evacuate ? null : field({ name: 'when_empty', label: 'Wait for no avatars on each region', type: 'checkbox' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, verb)));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const parallel = Number(formValue(form, 'max_parallel'));
      const execute = evacuate || formValue(form, 'execute');
      const body = execute ? { max_parallel: parallel } : {};
      if (!evacuate && execute) Object.assign(body, { execute: true, warm: formValue(form, 'warm'), when_empty: formValue(form, 'when_empty') });
      const answer = await submitWith(form, [['max_parallel', Number.isInteger(parallel) && parallel >= 1 && parallel <= 16, 'Between 1 and 16.']],
        () => post(`/simulators/${encodeURIComponent(s.id)}/${evacuate ? 'evacuate' : 'drain'}`, body));
      if (!answer) return;
      if (!answer.batch) {
        clear(result, h('table', { class: 'table compact', 'aria-label': 'Drain plan' },
          h('thead', {}, h('tr', {}, ['Region', 'Goes to', 'Why'].map((t) => h('th', {}, t)))),
          h('tbody', {}, (answer.moves || []).map((m) => h('tr', {}, h('td', {}, m.region),
            h('td', {}, m.placed ? `${m.host}:${m.port}` : 'nowhere'), h('td', {}, m.placed ? (m.reasons || []).join('; ') : m.reason))))));
        return;
      }
      form.hidden = true;
      stop = followBatch(result, answer.batch.id);
    });
    return h('div', {}, form, result, h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => { stop(); close(true); } }, 'Close')));
  }, { wide: true });
}

// The bridge's own words for what is wrong ("" when nothing is): shown where the eye goes first.
export function stateDetail(sim, { banner = false } = {}) {
  if (!sim.state_detail) return null;
  return banner
    ? h('div', { class: 'banner banner-bad', role: 'alert', 'data-testid': 'state-detail' }, h('strong', {}, 'state_detail'), ': ', sim.state_detail)
    : h('div', { class: 'state-detail', 'data-testid': 'state-detail' }, sim.state_detail);
}

function secretDialog(title, lines, secret) {
  return dialog(title, (close) => h('div', {},
    lines.map((l) => h('p', {}, l)),
    h('div', { class: 'secret' }, h('code', { class: 'mono', 'data-testid': 'secret' }, secret),
      h('button', { type: 'button', class: 'small', onclick: async (e) => { e.target.textContent = (await copyText(secret)) ? 'Copied' : 'Select and copy'; } }, 'Copy')),
    h('p', { class: 'muted' }, 'It is shown only now: the control plane keeps only its hash.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'Done'))));
}

function tokenDialog() {
  return dialog('New registration token', (close) => {
    const form = h('form', { novalidate: true, 'aria-label': 'New registration token' },
      field({ name: 'labels', label: 'Labels', placeholder: 'region=eu, ssd', hint: 'Comma-separated; the simulator registers with these.', autofocus: true }),
      field({ name: 'ttl_s', label: 'Valid for (seconds)', type: 'number', value: 3600 }),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, 'Create token')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const labels = formValue(form, 'labels').split(',').map((s) => s.trim()).filter(Boolean);
      const ttl = Number(formValue(form, 'ttl_s'));
      const made = await submitWith(form, [['ttl_s', Number.isInteger(ttl) && ttl > 0, 'A whole number of seconds.']],
        () => post('/simulators/registration-tokens', { labels, ttl_s: ttl }));
      if (made) close(made);
    });
    return form;
  });
}

export async function render(main, ctx) {
  if (ctx.params.id) return renderSimulator(main, ctx, ctx.params.id);
  const body = h('tbody');
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Simulators'),
      h('div', { class: 'toolbar' }, h('span', { class: 'live' }, 'live'),
        ctx.can('admin') ? h('button', { type: 'button', class: 'primary', onclick: async () => {
          const t = await tokenDialog();
          if (t) await secretDialog('Registration token', [`Single use, valid until ${t.expires_at}.`, 'Give it to the bridge on the new simulator host.'], t.token);
        } }, '+ Registration token') : null)),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Simulators' },
      h('thead', {}, h('tr', {}, ['Host', 'State', 'Labels', 'Load', 'Heartbeat', ''].map((t) => h('th', {}, t)))), body)));

  async function load() {
    const sims = await listAll('/simulators');
    clear(body, sims.length ? sims.map((s) => h('tr', { class: s.state_detail ? 'has-detail' : null },
      h('td', {}, h('div', {}, h('a', { href: '/simulators/' + encodeURIComponent(s.id) }, h('strong', {}, s.hostname))), h('div', { class: 'mono muted' }, s.id)),
      h('td', {}, badge(s.state), stateDetail(s)),
      h('td', {}, h('div', { class: 'labels' }, (s.labels || []).map((l) => h('span', { class: 'label' }, l)))),
      h('td', {}, bar('CPU', s.load?.cpu ?? 0, 1), bar('Memory', s.load?.memory ?? 0, 1), bar('Regions', s.load?.regions ?? 0, s.capacity || 0)),
      h('td', {}, time(s.last_heartbeat_at)),
      h('td', {}, actionButtons(ctx, s, load))))
      : emptyRow(6, 'No simulator has registered yet.'));
  }
  await load();
  return liveRefresh(['org.vergegrid.simulator.', 'org.vergegrid.region.'], load, { fallbackMs: HEARTBEAT_REFRESH_MS });
}

function actionButtons(ctx, s, done) {
  const act = async (path, message, body) => {
    try {
      const r = await post(`/simulators/${encodeURIComponent(s.id)}/${path}`, body);
      if (r && r.api_key) await secretDialog('New simulator key', [`The old key keeps working until ${r.previous_key_valid_until}.`], r.api_key);
      else toast(message, 'ok');
      done();
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  return h('div', { class: 'toolbar' },
    ctx.can('write') && s.state !== 'revoked' ? (s.state === 'cordoned'
      ? h('button', { type: 'button', class: 'small', onclick: () => act('uncordon', 'Uncordoned') }, 'Uncordon')
      : h('button', { type: 'button', class: 'small', onclick: () => act('cordon', 'Cordoned: no new regions go there') }, 'Cordon')) : null,
    ctx.can('write') && s.state !== 'revoked' && s.state !== 'offline'
      ? h('button', { type: 'button', class: 'small', onclick: async () => { await drainDialog(s); done(); } }, 'Drain') : null,
    ctx.can('write') && s.state === 'offline'
      ? h('button', { type: 'button', class: 'small danger', onclick: async () => { await drainDialog(s, true); done(); } }, 'Evacuate') : null,
    ctx.can('admin') && s.state !== 'revoked' ? [
      h('button', { type: 'button', class: 'small', onclick: async () => { if (await confirmDialog('Rotate key', `Give ${s.hostname} a new API key? The old one works for 5 more minutes.`, 'Rotate', false)) act('rotate-key', '', {}); } }, 'Rotate key'),
      h('button', { type: 'button', class: 'small danger', onclick: async () => { if (await confirmDialog('Revoke simulator', `Revoke ${s.hostname}? Every key it has stops working at once.`, 'Revoke')) act('revoke', 'Revoked'); } }, 'Revoke')] : null);
}

// One simulator: state_detail first, then its facts, the regions pinned to it and its recent
// operations; refreshed by events like the list.
async function renderSimulator(main, ctx, id) {
  let sim;
  try {
    sim = await get('/simulators/' + encodeURIComponent(id));
  } catch (e) {
    clear(main, h('h1', {}, 'Simulator not found'), h('p', {}, e.message), h('a', { href: '/simulators' }, 'Back to simulators'));
    return undefined;
  }
  const box = h('div');
  const heading = h('h1', {});
  const actions = h('div');
  clear(main, h('header', { class: 'page-head' },
    h('div', {}, h('a', { href: '/simulators', class: 'crumb' }, 'Simulators'), heading), actions), box);
  let left = false;
  async function load() {
    const [current, regions, ops] = await Promise.all([
      get('/simulators/' + encodeURIComponent(id)),
      listAll('/regions').then((all) => all.filter((r) => r.placement?.simulator_id === id)).catch(() => []),
      get('/operations' + query({ simulator_id: id, limit: 20 })).then((r) => r.items || []).catch(() => []),
    ]);
    if (left) return;
    sim = current;
    clear(heading, sim.hostname, ' ', badge(sim.state));
    clear(actions, actionButtons(ctx, sim, load));
    clear(box,
      stateDetail(sim, { banner: true }),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card' }, h('h2', {}, 'Details'), h('dl', { class: 'kv' },
          [['Id', h('span', { class: 'mono' }, sim.id)], ['State', badge(sim.state)], ['state_detail', sim.state_detail || '—'],
            ['Labels', h('div', { class: 'labels' }, (sim.labels || []).map((l) => h('span', { class: 'label' }, l)))],
            ['Capacity', String(sim.capacity ?? '—')], ['Push URL', sim.push_url || '—'], ['Registered', time(sim.registered_at)],
            ['Heartbeat', time(sim.last_heartbeat_at)]].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
        h('section', { class: 'card' }, h('h2', {}, 'Load'),
          bar('CPU', sim.load?.cpu ?? 0, 1), bar('Memory', sim.load?.memory ?? 0, 1), bar('Regions', sim.load?.regions ?? 0, sim.capacity || 0))),
      h('section', { class: 'card' }, h('h2', {}, 'Regions pinned here'),
        regions.length ? h('ul', { class: 'plain' }, regions.map((r) => h('li', {}, h('a', { href: '/regions/' + encodeURIComponent(r.id) }, r.name), ' ',
          h('span', { class: 'mono muted' }, `${r.loc_x}, ${r.loc_y} · v${r.version}`),
          (r.pending_restart || []).length ? h('span', { class: 'badge badge-warn' }, 'pending-restart') : null)))
          : h('p', { class: 'muted' }, 'No region is pinned to this simulator.')),
      h('section', { class: 'card' }, h('h2', {}, 'Recent operations'), ops.length
        ? h('table', { class: 'table compact', 'aria-label': 'Simulator operations' },
          h('thead', {}, h('tr', {}, ['Kind', 'Region', 'State', 'Progress', 'Error', 'Updated'].map((t) => h('th', {}, t)))),
          h('tbody', {}, ops.map((o) => h('tr', { class: 'op-row', tabindex: '0', onclick: () => operationDialog(o), onkeydown: (e) => { if (e.key === 'Enter') operationDialog(o); } },
            h('td', {}, o.kind), h('td', {}, o.spec?.name || o.region_id.slice(0, 8)), h('td', {}, badge(o.state)), h('td', {}, progress(o)),
            h('td', { class: 'failure' }, o.result?.error || ''), h('td', {}, time(o.updated_at))))))
        : h('p', { class: 'muted' }, 'No operations yet.')));
  }
  await load();
  const stopLive = liveRefresh(['org.vergegrid.simulator.', 'org.vergegrid.region.', 'org.vergegrid.operation.'], load, { fallbackMs: HEARTBEAT_REFRESH_MS });
  return () => {
    left = true;
    stopLive();
  };
}
