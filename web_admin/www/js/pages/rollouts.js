// Rollouts (docs/rollouts.md): every template rollout, newest first, with its state, current wave
// and progress; **Roll out…** starts one for a chosen template (rollouts.js). A rollout's page
// (/rollouts/{id}) shows each wave as a progress bar, every region's state, versions, operation
// and error, the rollout's options, state and error, and Pause / Resume / Cancel while its state
// allows them. Both follow rollout, region and operation events live (live.js).
import { get, listAll, post } from '../api.js';
import { clear, confirmDialog, emptyRow, h, time, toast } from '../ui.js';
import { liveRefresh } from '../live.js';
import { ACTIVE, countsText, rolloutBadge, rolloutDialog, stackedBar, waveProgress } from '../rollouts.js';

const EVENTS = ['org.vergegrid.rollout.', 'org.vergegrid.region.', 'org.vergegrid.operation.'];
const LIST_LIMIT = 50;

async function startFor(ctx, tmpl) {
  const started = await rolloutDialog(tmpl);
  if (!started) return;
  toast(`Rollout of ${tmpl.name} to ${started.to_version} started`, 'ok');
  ctx.navigate('/rollouts/' + encodeURIComponent(started.id));
}

export async function render(main, ctx) {
  if (ctx.params.id) return renderRollout(main, ctx, ctx.params.id);
  const templates = await listAll('/templates');
  const chooser = h('select', { 'aria-label': 'Template to roll out' }, templates.map((t) => h('option', { value: t.id }, t.name)));
  const body = h('tbody');
  const updated = h('span', { class: 'live' }, 'live');
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Rollouts'), updated,
      ctx.can('write') && templates.length ? h('div', { class: 'toolbar' }, chooser,
        h('button', { type: 'button', class: 'primary', onclick: () => startFor(ctx, templates.find((t) => t.id === chooser.value)) }, 'Roll out…')) : null),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Rollouts' },
      h('thead', {}, h('tr', {}, ['Template', 'To version', 'State', 'Wave', 'Progress', 'Created'].map((t) => h('th', {}, t)))), body)));

  async function load() {
    const [items, known] = await Promise.all([get('/rollouts?limit=' + LIST_LIMIT).then((a) => a.items || []), listAll('/templates')]);
    const names = Object.fromEntries(known.map((t) => [t.id, t.name]));
    // The list carries no progress: each rollout's own answer does.
    const shown = await Promise.all(items.map((r) => get('/rollouts/' + encodeURIComponent(r.id)).catch(() => r)));
    clear(body, shown.length ? shown.map((r) => {
      const p = r.progress;
      return h('tr', { dataset: { rollout: r.id } },
        h('td', {}, h('a', { href: '/rollouts/' + encodeURIComponent(r.id) }, names[r.template_id] || r.template_id)),
        h('td', { class: 'mono' }, r.to_version), h('td', {}, rolloutBadge(r.state)),
        h('td', {}, p ? `${r.current_wave} of ${p.waves.length}` : r.current_wave),
        h('td', {}, p ? [stackedBar(p, p.total, 'Progress'), h('div', { class: 'wave-counts' }, countsText(p, p.total))] : '—'),
        h('td', {}, time(r.created_at)));
    }) : emptyRow(6, 'No rollout yet: start one from a template.'));
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
  }
  await load();
  return liveRefresh(EVENTS, load);
}

const spec = (r, key, fallback = '—') => (r.spec && r.spec[key] !== undefined ? r.spec[key] : fallback);

function summary(r, tmpl) {
  const waves = r.progress.waves.length;
  const canaries = spec(r, 'canaries', []);
  const rows = [
    ['Template', tmpl ? h('a', { href: '/templates/' + encodeURIComponent(r.template_id) }, tmpl.name) : r.template_id],
    ['To version', h('span', { class: 'mono' }, r.to_version)],
    ['State', rolloutBadge(r.state, { 'data-testid': 'rollout-state' })],
    ['Wave', h('span', { 'data-testid': 'rollout-wave' }, `${r.current_wave} of ${waves}`)],
    ['Progress', h('span', { 'data-testid': 'rollout-counts' }, countsText(r.progress, r.progress.total))],
    r.next_wave_at ? ['Next wave', time(r.next_wave_at)] : null,
    ['Waves asked', (spec(r, 'waves', []) || []).join(', ')],
    ['Failure threshold', String(spec(r, 'failure_threshold'))],
    ['Max unavailable', spec(r, 'max_unavailable') === 0 ? '0 (the whole wave)' : String(spec(r, 'max_unavailable'))],
    ['Pause between waves', `${spec(r, 'pause_between_s')} s`],
    ['Deadline per region', `${spec(r, 'deadline_s')} s`],
    canaries.length ? ['Canaries', canaries.join(', ')] : null,
    spec(r, 'regions', {}).name_prefix ? ['Regions named', spec(r, 'regions', {}).name_prefix + '…'] : null,
    ['Started by', r.actor],
    ['Created', time(r.created_at)],
    ['Updated', time(r.updated_at)],
  ].filter(Boolean);
  return h('dl', { class: 'kv' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function regionRow(region) {
  return h('tr', { dataset: { region: region.region_name, state: region.state } },
    h('td', {}, h('a', { href: '/regions/' + encodeURIComponent(region.region_id) }, region.region_name)),
    h('td', {}, region.wave), h('td', {}, rolloutBadge(region.state)),
    h('td', { class: 'mono' }, `${region.from_version} → ${region.to_version || '…'}`),
    h('td', { class: 'mono' }, region.operation_id ? h('a', { href: '/operations?region_id=' + encodeURIComponent(region.region_id) }, '#' + region.operation_id) : '—'),
    h('td', {}, region.error ? h('div', { class: 'failure' }, region.error) : ''));
}

async function renderRollout(main, ctx, id) {
  const path = '/rollouts/' + encodeURIComponent(id);
  let rollout = await get(path);
  const tmpl = await get('/templates/' + encodeURIComponent(rollout.template_id)).catch(() => null);
  const title = h('h1', {});
  const toolbar = h('div', { class: 'toolbar' });
  const error = h('div');
  const details = h('div');
  const waves = h('div', { 'aria-label': 'Waves' });
  const regions = h('tbody');
  const updated = h('span', { class: 'live' }, 'live');
  clear(main,
    h('header', { class: 'page-head' }, h('div', {}, h('a', { href: '/rollouts', class: 'crumb' }, 'Rollouts'), title), updated, toolbar),
    error,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', {}, 'Rollout'), details),
      h('section', { class: 'card' }, h('h2', {}, 'Waves'), waves)),
    h('section', { class: 'card' }, h('h2', {}, 'Regions'),
      h('table', { class: 'table', 'aria-label': 'Rollout regions' },
        h('thead', {}, h('tr', {}, ['Region', 'Wave', 'State', 'From → to', 'Operation', 'Error'].map((t) => h('th', {}, t)))), regions)));

  // Pause, resume, cancel: the answer is the rollout as it is now.
  const act = async (verb) => {
    if (verb === 'cancel' && !(await confirmDialog('Cancel rollout',
      'Cancel this rollout? Regions not started yet are skipped; regions already upgraded keep their new version (cancel is not a rollback).', 'Cancel rollout'))) return;
    try {
      draw(await post(`${path}/${verb}`));
      toast(`Rollout ${verb === 'pause' ? 'paused' : verb === 'resume' ? 'resumed' : 'cancelled'}`, 'ok');
    } catch (e) {
      toast(e.message, 'error');
    }
  };

  function draw(r) {
    rollout = r;
    clear(title, `Rollout of ${tmpl ? tmpl.name : r.template_id} to `, h('span', { class: 'version' }, 'v' + r.to_version));
    clear(toolbar, ctx.can('write') ? [
      r.state === 'running' ? h('button', { type: 'button', onclick: () => act('pause') }, 'Pause') : null,
      r.state === 'paused' ? h('button', { type: 'button', class: 'primary', onclick: () => act('resume') }, 'Resume') : null,
      ACTIVE.includes(r.state) ? h('button', { type: 'button', class: 'danger', onclick: () => act('cancel') }, 'Cancel') : null] : null);
    clear(error, r.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'rollout-error' }, r.error) : null);
    clear(details, summary(r, tmpl));
    clear(waves, r.progress.waves.map(waveProgress));
    clear(regions, r.regions.length ? r.regions.map(regionRow) : emptyRow(6, 'No region.'));
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
    // Between waves the next one starts without an event when the pause ends (the engine looks
    // every 2 s): read the rollout again then.
    clearTimeout(timer);
    if (!left && r.state === 'running' && r.next_wave_at) {
      timer = setTimeout(() => load().catch(() => {}), Math.max(500, Date.parse(r.next_wave_at) - Date.now() + 2500));
    }
  }
  let timer = null;
  let left = false;
  const load = async () => draw(await get(path));
  draw(rollout);
  const stop = liveRefresh(EVENTS, load);
  return () => {
    left = true;
    stop();
    clearTimeout(timer);
  };
}
