// Template rollouts (docs/rollouts.md): what the Rollouts page and the template page share — a
// rollout's (or a wave's, or a region's) state badge, a wave's progress bar with its counts — and
// the Roll out dialog: the options of POST /api/v1/templates/{id}/rollouts, a dry run that shows
// the plan per region (nothing written), then Start. The API's refusals land beside the field
// they name (`waves[1]` beside Waves, `canaries`, `regions`, `to_version`, ...).
import { get, post } from './api.js';
import { clear, dialog, emptyRow, field, formValue, h, submitWith } from './ui.js';

export const ACTIVE = ['running', 'paused'];

const LOOK = {
  running: 'info', paused: 'warn', succeeded: 'ok', failed: 'bad', rolled_back: 'warn', cancelled: 'muted', planned: 'muted',
  waiting: 'muted', upgrading: 'info', upgraded: 'ok', rolling_back: 'warn', skipped: 'muted', done: 'ok',
};

export function rolloutBadge(state, attrs = {}) {
  return h('span', { class: 'badge badge-' + (LOOK[state] || 'muted'), ...attrs }, state);
}

// The region states a bar draws, in order, with the colour of each; `waiting` is the empty rest.
const SEGMENTS = [['upgraded', 'ok'], ['upgrading', 'info'], ['failed', 'bad'], ['rolling_back', 'warn'], ['rolled_back', 'rolled'], ['skipped', 'skip']];
const OTHERS = ['upgrading', 'failed', 'rolling_back', 'rolled_back', 'waiting', 'skipped'];
const words = (state) => state.replace('_', ' ');

// "1/4 upgraded · 2 upgrading · 1 waiting": how many of `total` are upgraded, then every other
// state that has a region.
export function countsText(counts, total) {
  return [`${counts.upgraded || 0}/${total} upgraded`, ...OTHERS.filter((s) => counts[s]).map((s) => `${counts[s]} ${words(s)}`)].join(' · ');
}

export function stackedBar(counts, total, label) {
  const width = (n) => (total ? (100 * n) / total : 0).toFixed(1) + '%';
  return h('div', { class: 'stacked-bar', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': counts.upgraded || 0 },
    SEGMENTS.map(([state, look]) => (counts[state] ? h('span', { class: 'bar-' + look, title: `${counts[state]} ${words(state)}`, style: { width: width(counts[state]) } }) : null)));
}

// One wave of a rollout's `progress.waves`: its number, size, state, bar and counts.
export function waveProgress(wave) {
  return h('div', { class: 'wave-progress', 'data-testid': 'wave', dataset: { wave: wave.wave, state: wave.state } },
    h('div', {}, h('strong', {}, `Wave ${wave.wave}`), ' ', h('span', { class: 'muted' }, `${wave.regions} region${wave.regions === 1 ? '' : 's'}`), ' ', rolloutBadge(wave.state)),
    stackedBar(wave, wave.regions, `Wave ${wave.wave} progress`),
    h('div', { class: 'wave-counts', 'data-testid': 'wave-counts' }, countsText(wave, wave.regions)));
}

// "1, 10%, 100%" → [1, "10%", "100%"]; anything else goes as typed and the API names it.
function readWaves(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
const listOf = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
// A number as typed; anything else goes as typed, and the API refuses it naming the field.
const num = (v) => (Number.isFinite(Number(v)) ? Number(v) : v);

function readBody(form) {
  const body = { to_version: formValue(form, 'to_version') };
  const waves = readWaves(formValue(form, 'waves'));
  if (waves.length) body.waves = waves;
  for (const name of ['failure_threshold', 'max_unavailable', 'pause_between_s', 'deadline_s']) {
    const value = formValue(form, name).trim();
    if (value !== '') body[name] = num(value);
  }
  const canaries = listOf(formValue(form, 'canaries'));
  if (canaries.length) body.canaries = canaries;
  const prefix = formValue(form, 'regions').trim();
  if (prefix) body.regions = { name_prefix: prefix };
  return body;
}

const fieldChange = (f) => h('div', { class: 'mono' }, `${f.field}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)} `,
  h('span', { class: 'bump bump-' + f.bump }, f.bump), ' ', h('span', { class: 'muted' }, f.application));

// The dry run's answer: per region its wave, version now → after, bump, fields, delivery, restart.
export function planTable(plan) {
  const rows = plan.regions || [];
  const restarts = rows.filter((r) => r.restart_needed).length;
  const heads = ['Region', 'Wave', 'From → to', 'Bump', 'Fields', 'Delivery', 'Restart needed'];
  return h('div', { class: 'rollout-plan', 'data-testid': 'rollout-plan' },
    h('h3', {}, `Plan: ${rows.length} region${rows.length === 1 ? '' : 's'} in ${plan.waves} wave${plan.waves === 1 ? '' : 's'} to ${plan.to_version} — nothing written`),
    restarts ? h('p', { class: 'muted' }, `${restarts} region${restarts === 1 ? '' : 's'} will show the change in pending_restart until restarted: a rollout restarts no region.`) : null,
    h('table', { class: 'table compact', 'aria-label': 'Rollout plan' },
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.length ? rows.map((r) => h('tr', { dataset: { region: r.region_name } },
        h('td', {}, r.region_name), h('td', {}, r.wave), h('td', { class: 'mono' }, `${r.from_version} → ${r.to_version}`),
        h('td', {}, h('span', { class: 'bump bump-' + r.bump }, r.bump)),
        h('td', {}, r.fields?.length ? r.fields.map(fieldChange) : h('span', { class: 'muted' }, 'no change')),
        h('td', {}, r.delivery), h('td', {}, r.restart_needed ? 'yes' : 'no')))
        : emptyRow(heads.length, 'No region.'))));
}

// The Roll out dialog for `tmpl`; resolves with the started rollout, or null.
export async function rolloutDialog(tmpl) {
  const path = `/templates/${encodeURIComponent(tmpl.id)}`;
  const versions = ((await get(path + '/versions')).items || []).map((v) => v.version).reverse();
  if (!versions.includes(tmpl.version)) versions.unshift(tmpl.version);
  return dialog(`Roll out ${tmpl.name}`, (close) => {
    const plan = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Roll out ' + tmpl.name },
      field({ name: 'to_version', label: 'To version', options: versions, value: tmpl.version, hint: 'The template version the regions get.' }),
      field({ name: 'waves', label: 'Waves', value: '1, 10%, 100%', hint: 'Regions done once each wave is done, counted from the start: a number or a percentage; the last wave takes every region left.' }),
      field({ name: 'failure_threshold', label: 'Failure threshold', type: 'number', value: 1, min: 1, hint: 'Failures in one wave that stop the rollout and roll back every region it changed.' }),
      field({ name: 'max_unavailable', label: 'Max unavailable', type: 'number', value: 0, min: 0, hint: 'Regions upgrading at once within a wave; 0: the whole wave.' }),
      field({ name: 'pause_between_s', label: 'Pause between waves (s)', type: 'number', value: 0, min: 0 }),
      field({ name: 'deadline_s', label: 'Deadline per region (s)', type: 'number', value: 600, min: 1, hint: 'A region not confirmed by then has failed.' }),
      field({ name: 'canaries', label: 'Canaries', placeholder: 'Sand 07, Sand 12', hint: 'Region names or ids, comma-separated: they go first, in this order.' }),
      field({ name: 'regions', label: 'Only regions named', placeholder: 'a name prefix', hint: 'Empty: every region of the template.' }),
      h('div', { class: 'actions span-2' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', value: 'dry' }, 'Dry run'),
        h('button', { type: 'submit', value: 'start', class: 'primary' }, 'Start')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const dry = e.submitter?.value === 'dry';
      const body = readBody(form);
      if (dry) body.dry_run = true;
      const answer = await submitWith(form, [
        ['waves', body.waves === undefined || body.waves.every((w) => typeof w === 'number' || /^\d+%$/.test(w)), 'Numbers of regions or percentages, e.g. 1, 10%, 100%.'],
      ], () => post(path + '/rollouts', body));
      if (!answer) {
        clear(plan);
        return;
      }
      if (dry) clear(plan, planTable(answer));
      else close(answer);
    });
    return h('div', {}, form, plan);
  }, { wide: true });
}
