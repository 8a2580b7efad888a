// Creating and editing a region, shared by the Regions page and the world map. Edits show, before
// they are sent, which part of the version each change bumps and whether it reaches the
// simulator at once (eager) or in the next sync window (lazy), by the rules of docs/versioning.md
// and docs/api.md, and how it applies to the running simulator (live, on-restart, unsupported:
// GET /api/v1/region-settings); after saving, the API's own "changes" list is shown.
import { listAll, patch, post } from './api.js';
import { dialog, diffSpecs, diffTable, field, formValue, h, submitWith, toast } from './ui.js';
import { OPTIONAL_PARTS } from './snapshots.js';
import { applicationBadge, applicationOf, loadSettingsTable } from './region_settings.js';

export const PHYSICS = ['BulletSim', 'ubODE', 'OpenDynamicsEngine', 'basicphysics', 'POS'];
const MAJOR = ['size_x', 'size_y', 'physics_type'];
const LAZY_PREFIXES = ['environment.', 'terrain.', 'permissions.', 'flags.'];

// lifecycle and state_parts only steer what the control plane keeps: a patch (docs/snapshots.md).
const PATCH = (fieldPath) => fieldPath === 'lifecycle' || fieldPath.startsWith('state_parts.');

export function bumpOf(fieldPath) {
  if (MAJOR.includes(fieldPath)) return 'major';
  if (PATCH(fieldPath)) return 'patch';
  return syncClassOf(fieldPath) === 'lazy' ? 'patch' : 'minor';
}

// Lazy: environment, terrain limits, permissions, flags other than `enabled`, draw distance.
// None: the state policy (lifecycle, state_parts) stays in the control plane; no operation.
export function syncClassOf(fieldPath) {
  if (PATCH(fieldPath)) return 'none';
  if (fieldPath === 'flags.enabled') return 'eager';
  if (fieldPath === 'draw_distance_cap' || LAZY_PREFIXES.some((p) => fieldPath.startsWith(p))) return 'lazy';
  return 'eager';
}

const int = (v) => (v === '' || v === undefined ? NaN : Number(v));
const isInt = (v, min, max) => Number.isInteger(int(v)) && int(v) >= min && int(v) <= max;
const isSize = (v) => isInt(v, 256, 8192) && int(v) % 256 === 0;
const isIn = (v, min, max) => Number.isFinite(v) && v >= min && v <= max;

export async function loadChoices() {
  const [estates, templates, simulators] = await Promise.all([
    listAll('/estates'), listAll('/templates'), listAll('/simulators')]);
  return { estates, templates, simulators: simulators.filter((s) => s.state !== 'revoked') };
}

// The region's estate stays choosable even when the list could not show it.
function estateOptions(estates, current) {
  const options = estates.map((e) => [e.id, e.name]);
  return options.some(([id]) => id === current) ? options : [[current, current], ...options];
}

function simulatorOptions(simulators) {
  return [['', '— not pinned —'], ...simulators.map((s) => [s.id, `${s.hostname} (${s.state})`])];
}

export const LIFECYCLES = ['ephemeral', 'persistent', 'premium'];
const LIFECYCLE_HINT = 'ephemeral keeps nothing when deleted; persistent takes a before-delete snapshot and keeps snapshots by retention; premium adds scheduled snapshots and longer retention.';
const MODE_HINT = 'minimal: the always-saved parts (terrain, environment, parcels, flags); full: every part; hybrid: those plus the state parts switched on below.';

// lifecycle, region_state_mode and the six state_parts checkboxes, shown only for hybrid. A field
// the region (from an older control plane) does not have is left out.
function stateFields(values, { lifecycle = true, parts = true } = {}) {
  const box = h('fieldset', { class: 'span-2 state-parts', hidden: values.region_state_mode !== 'hybrid' },
    h('legend', {}, 'state_parts (hybrid)'),
    OPTIONAL_PARTS.map((p) => field({ name: 'state_parts.' + p, label: p, type: 'checkbox', value: values.state_parts?.[p] })));
  const mode = field({ name: 'region_state_mode', label: 'State mode', options: ['minimal', 'full', 'hybrid'], value: values.region_state_mode, hint: MODE_HINT });
  mode.querySelector('select').addEventListener('change', (e) => (box.hidden = e.target.value !== 'hybrid'));
  return [
    lifecycle ? field({ name: 'lifecycle', label: 'Lifecycle', options: LIFECYCLES, value: values.lifecycle, hint: LIFECYCLE_HINT }) : null,
    mode, parts ? box : null,
  ];
}

const readParts = (form) => Object.fromEntries(OPTIONAL_PARTS.map((p) => [p, formValue(form, 'state_parts.' + p)]));

// Resolves with the created region, or null.
export async function createRegionDialog(at = {}) {
  const choices = await loadChoices();
  return dialog('Create region', (close) => {
    if (!choices.estates.length) {
      return h('div', {}, h('p', {}, 'A region belongs to an estate; there is none yet.'),
        h('p', {}, h('a', { href: '/estates', onclick: () => close(null) }, 'Create an estate first.')));
    }
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Create region' },
      field({ name: 'name', label: 'Name', required: true, autofocus: true }),
      field({ name: 'estate_id', label: 'Estate', options: choices.estates.map((e) => [e.id, e.name]) }),
      field({ name: 'template_id', label: 'Template', options: [['', '— none —'], ...choices.templates.map((t) => [t.id, `${t.name} (${t.size_x}×${t.size_y}, v${t.version})`])], value: choices.templates[0]?.id || '' }),
      field({ name: 'loc_x', label: 'Grid X', type: 'number', min: 0, value: at.loc_x ?? 1000 }),
      field({ name: 'loc_y', label: 'Grid Y', type: 'number', min: 0, value: at.loc_y ?? 1000 }),
      field({ name: 'size', label: 'Size (m)', options: [['', 'from template'], ...[256, 512, 768, 1024, 2048].map((s) => [s, `${s}×${s}`])], hint: 'Overrides the template.' }),
      field({ name: 'host', label: 'Host', required: true, value: choices.simulators[0]?.hostname || '' }),
      field({ name: 'port', label: 'Port', type: 'number', min: 1, max: 65535, value: 9000 }),
      field({ name: 'simulator_id', label: 'Pin to simulator', options: simulatorOptions(choices.simulators), value: choices.simulators[0]?.id || '' }),
      stateFields({ lifecycle: 'persistent', region_state_mode: 'hybrid' }),
      h('div', { class: 'actions span-2' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Create region')));
    form.elements.simulator_id.addEventListener('change', () => {
      const sim = choices.simulators.find((s) => s.id === form.elements.simulator_id.value);
      if (sim) form.elements.host.value = sim.hostname;
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (n) => formValue(form, n);
      const template = v('template_id');
      const size = v('size');
      const created = await submitWith(form, [
        ['name', v('name').trim() !== '' && v('name').length <= 64, 'A name of 1 to 64 characters.'],
        ['loc_x', isInt(v('loc_x'), 0, 16777215), 'A whole number from 0.'],
        ['loc_y', isInt(v('loc_y'), 0, 16777215), 'A whole number from 0.'],
        ['size', template !== '' || size !== '', 'Choose a size or a template.'],
        ['host', v('host').trim() !== '', 'The simulator host name.'],
        ['port', isInt(v('port'), 1, 65535), 'A port from 1 to 65535.'],
      ], () => {
        const body = {
          name: v('name').trim(), estate_id: v('estate_id'), loc_x: int(v('loc_x')), loc_y: int(v('loc_y')),
          host: v('host').trim(), port: int(v('port')),
        };
        if (template) body.template_id = template;
        if (size) body.size_x = body.size_y = int(size);
        if (v('simulator_id')) body.placement = { simulator_id: v('simulator_id') };
        // Only what differs from the API's defaults, so an older control plane still takes it.
        if (v('lifecycle') !== 'persistent') body.lifecycle = v('lifecycle');
        if (v('region_state_mode') !== 'hybrid') body.region_state_mode = v('region_state_mode');
        const parts = readParts(form);
        if (v('region_state_mode') === 'hybrid' && Object.values(parts).some(Boolean)) body.state_parts = parts;
        return post('/regions', body);
      });
      if (created) {
        toast(`Region ${created.name} created at ${created.version}`, 'ok');
        close(created);
      }
    });
    return form;
  });
}

function editableSpec(r) {
  return {
    ...stateSpec(r, r),
    name: r.name, estate_id: r.estate_id, loc_x: r.loc_x, loc_y: r.loc_y, size_x: r.size_x, size_y: r.size_y,
    physics_type: r.physics_type, terrain_preset: r.terrain_preset, host: r.host, port: r.port, draw_distance_cap: r.draw_distance_cap,
    environment: {
      water_height: r.environment?.water_height, sun_fixed: !!r.environment?.sun_fixed, sun_position: r.environment?.sun_position,
      environment_preset: r.environment?.environment_preset ?? null,
    },
    terrain: { raise_limit: r.terrain?.raise_limit, lower_limit: r.terrain?.lower_limit },
    permissions: { public_access: !!r.permissions?.public_access, allow_damage: !!r.permissions?.allow_damage, allow_terraform: !!r.permissions?.allow_terraform },
    flags: {
      enabled: r.flags?.enabled, allow_voice: !!r.flags?.allow_voice, allow_flying: !!r.flags?.allow_flying, allow_scripts: !!r.flags?.allow_scripts,
      max_agents: r.flags?.max_agents, max_prims: r.flags?.max_prims,
    },
    placement: { simulator_id: r.placement?.simulator_id || null },
  };
}

// The run-time state fields of `shape` (the region as read), with values from `source`.
function stateSpec(shape, source) {
  const spec = { region_state_mode: source.region_state_mode };
  if ('lifecycle' in shape) spec.lifecycle = source.lifecycle;
  if (shape.state_parts) spec.state_parts = Object.fromEntries(OPTIONAL_PARTS.map((p) => [p, !!source.state_parts?.[p]]));
  return spec;
}

function readEdit(form, region) {
  const v = (n) => formValue(form, n);
  const num = (n) => (v(n) === '' ? NaN : Number(v(n)));
  const state = { lifecycle: v('lifecycle'), region_state_mode: v('region_state_mode'), state_parts: readParts(form) };
  return {
    ...stateSpec(region, state),
    name: v('name').trim(), estate_id: v('estate_id'), loc_x: num('loc_x'), loc_y: num('loc_y'), size_x: num('size_x'), size_y: num('size_y'),
    physics_type: v('physics_type'), terrain_preset: v('terrain_preset').trim(), host: v('host').trim(), port: num('port'),
    draw_distance_cap: num('draw_distance_cap'),
    environment: {
      water_height: num('environment.water_height'), sun_fixed: v('environment.sun_fixed'), sun_position: num('environment.sun_position'),
      environment_preset: v('environment.environment_preset').trim() || null,
    },
    terrain: { raise_limit: num('terrain.raise_limit'), lower_limit: num('terrain.lower_limit') },
    permissions: { public_access: v('permissions.public_access'), allow_damage: v('permissions.allow_damage'), allow_terraform: v('permissions.allow_terraform') },
    flags: {
      enabled: v('flags.enabled'), allow_voice: v('flags.allow_voice'), allow_flying: v('flags.allow_flying'), allow_scripts: v('flags.allow_scripts'),
      max_agents: num('flags.max_agents'), max_prims: num('flags.max_prims'),
    },
    placement: { simulator_id: v('placement.simulator_id') || null },
  };
}

// The PATCH body: only the changed fields, nested as the API takes them.
function patchBody(changes) {
  const body = {};
  for (const { field: path, to } of changes) {
    const parts = path.split('.');
    let node = body;
    parts.slice(0, -1).forEach((p) => (node = node[p] ??= {}));
    node[parts.at(-1)] = to;
  }
  return body;
}

const SYNC_TITLE = { eager: 'sent to the simulator at once', lazy: 'waits for the sync window', none: 'kept by the control plane: nothing is sent to the simulator' };

const classColumns = [
  { label: 'Version', render: (c) => h('span', { class: 'bump bump-' + (c.bump || bumpOf(c.field)) }, c.bump || bumpOf(c.field)) },
  { label: 'Sync', render: (c) => h('span', { class: 'sync sync-' + syncClassOf(c.field), title: SYNC_TITLE[syncClassOf(c.field)] }, syncClassOf(c.field)) },
];

// The columns above plus how each changed field applies to the running simulator.
const withApplication = (fields) => (fields ? [...classColumns, {
  label: 'Application', render: (c) => (applicationOf(fields, c.field) ? applicationBadge(applicationOf(fields, c.field)) : h('span', { class: 'muted' }, '—')),
}] : classColumns);

// The changed fields that take effect only when the region restarts.
export function onRestartFields(fields, changes) {
  return changes.map((c) => c.field).filter((path) => applicationOf(fields, path) === 'on-restart');
}

// Resolves with the updated region (with "change" and "changes"), or null. `settings` is the
// table of GET /region-settings when the caller has it.
export async function editRegionDialog(region, settings) {
  const [choices, fields] = await Promise.all([loadChoices(), settings === undefined ? loadSettingsTable() : settings]);
  const before = editableSpec(region);
  const columns = withApplication(fields);
  return dialog(`Edit ${region.name} (v${region.version})`, (close) => {
    const preview = h('div', { class: 'change-preview', 'aria-live': 'polite' });
    const restartHint = h('p', { class: 'hint', 'data-testid': 'restart-hint' });
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Edit region' },
      field({ name: 'name', label: 'Name', value: region.name, autofocus: true }),
      field({ name: 'estate_id', label: 'Estate', options: estateOptions(choices.estates, region.estate_id), value: region.estate_id }),
      field({ name: 'physics_type', label: 'Physics', options: PHYSICS, value: region.physics_type }),
      field({ name: 'terrain_preset', label: 'Terrain preset', value: region.terrain_preset }),
      field({ name: 'loc_x', label: 'Grid X', type: 'number', value: region.loc_x }),
      field({ name: 'loc_y', label: 'Grid Y', type: 'number', value: region.loc_y }),
      field({ name: 'size_x', label: 'Size X (m)', type: 'number', step: 256, value: region.size_x }),
      field({ name: 'size_y', label: 'Size Y (m)', type: 'number', step: 256, value: region.size_y }),
      field({ name: 'host', label: 'Host', value: region.host }),
      field({ name: 'port', label: 'Port', type: 'number', value: region.port }),
      field({ name: 'placement.simulator_id', label: 'Pinned simulator', options: simulatorOptions(choices.simulators), value: region.placement?.simulator_id || '' }),
      field({ name: 'draw_distance_cap', label: 'Draw distance cap', type: 'number', value: region.draw_distance_cap }),
      field({ name: 'environment.water_height', label: 'Water height', type: 'number', step: 'any', value: region.environment?.water_height }),
      field({ name: 'environment.sun_position', label: 'Sun position (hours)', type: 'number', step: 'any', value: region.environment?.sun_position }),
      field({ name: 'environment.environment_preset', label: 'Environment preset', value: region.environment?.environment_preset ?? '', hint: 'Empty for none.' }),
      field({ name: 'terrain.raise_limit', label: 'Terrain raise limit', type: 'number', step: 'any', value: region.terrain?.raise_limit }),
      field({ name: 'terrain.lower_limit', label: 'Terrain lower limit', type: 'number', step: 'any', value: region.terrain?.lower_limit }),
      field({ name: 'flags.max_agents', label: 'Max agents', type: 'number', value: region.flags?.max_agents }),
      field({ name: 'flags.max_prims', label: 'Max prims', type: 'number', value: region.flags?.max_prims }),
      h('div', { class: 'span-2 checks' },
        field({ name: 'flags.enabled', label: 'Enabled', type: 'checkbox', value: region.flags?.enabled }),
        field({ name: 'permissions.public_access', label: 'Public access', type: 'checkbox', value: region.permissions?.public_access }),
        field({ name: 'permissions.allow_damage', label: 'Allow damage', type: 'checkbox', value: region.permissions?.allow_damage }),
        field({ name: 'permissions.allow_terraform', label: 'Allow terraform', type: 'checkbox', value: region.permissions?.allow_terraform }),
        field({ name: 'flags.allow_voice', label: 'Allow voice', type: 'checkbox', value: region.flags?.allow_voice }),
        field({ name: 'flags.allow_flying', label: 'Allow flying', type: 'checkbox', value: region.flags?.allow_flying }),
        field({ name: 'flags.allow_scripts', label: 'Allow scripts', type: 'checkbox', value: region.flags?.allow_scripts }),
        field({ name: 'environment.sun_fixed', label: 'Fixed sun', type: 'checkbox', value: region.environment?.sun_fixed })),
      stateFields(region, { lifecycle: 'lifecycle' in region, parts: !!region.state_parts }),
      h('div', { class: 'span-2' }, h('h3', {}, 'Pending changes'), preview),
      fields ? h('div', { class: 'span-2 apply-now' },
        field({ name: 'restart', label: 'Apply on-restart changes now (restarts the region)', type: 'checkbox', value: false }),
        restartHint) : null,
      h('div', { class: 'actions span-2' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Save changes')));
    const update = () => {
      const changes = diffSpecs(before, readEdit(form, region));
      preview.replaceChildren(diffTable(changes, columns));
      const later = onRestartFields(fields, changes);
      restartHint.textContent = later.length
        ? `${later.join(', ')} ${later.length > 1 ? 'apply' : 'applies'} on restart: ticked, the region is restarted now ("restart": true); otherwise ${later.length > 1 ? 'they stay' : 'it stays'} pending-restart until the region restarts.`
        : 'No change here needs a restart of the region.';
      return changes;
    };
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const after = readEdit(form, region);
      const changes = update();
      const updated = await submitWith(form, [
        ['name', after.name !== '' && after.name.length <= 64, 'A name of 1 to 64 characters.'],
        ['loc_x', isInt(after.loc_x, 0, 16777215), 'A whole number from 0.'],
        ['loc_y', isInt(after.loc_y, 0, 16777215), 'A whole number from 0.'],
        ['size_x', isSize(after.size_x), 'A multiple of 256 from 256 to 8192.'],
        ['size_y', isSize(after.size_y), 'A multiple of 256 from 256 to 8192.'],
        ['host', after.host !== '', 'The simulator host name.'],
        ['port', isInt(after.port, 1, 65535), 'A port from 1 to 65535.'],
        ['terrain_preset', /^[a-z0-9_-]{1,64}$/.test(after.terrain_preset), "1-64 of lower-case letters, digits, '-' and '_'."],
        ['draw_distance_cap', isInt(after.draw_distance_cap, 0, 4096), 'A whole number from 0 to 4096.'],
        ['environment.water_height', isIn(after.environment.water_height, 0, 10000), 'A number from 0 to 10000.'],
        ['environment.sun_position', isIn(after.environment.sun_position, 0, 24), 'A number from 0 to 24.'],
        ['terrain.raise_limit', isIn(after.terrain.raise_limit, 0, 10000), 'A number from 0 to 10000.'],
        ['terrain.lower_limit', isIn(after.terrain.lower_limit, -10000, 0), 'A number from -10000 to 0.'],
        ['flags.max_agents', isInt(after.flags.max_agents, 0, 1000), 'From 0 to 1000.'],
        ['flags.max_prims', isInt(after.flags.max_prims, 0, 1000000), 'From 0 to 1,000,000.'],
        ['', changes.length > 0, 'Nothing changed.'],
      ], () => {
        const body = patchBody(changes);
        if (formValue(form, 'restart')) body.restart = true;
        return patch('/regions/' + encodeURIComponent(region.id), body, { 'If-Match': `"${region.version}"` });
      });
      if (updated) {
        toast(`${updated.name}: ${region.version} → ${updated.version} (${updated.change})`, 'ok');
        close(updated);
      }
    });
    return form;
  }, { wide: true });
}

export function changesTable(changes, fields) {
  return diffTable(changes || [], withApplication(fields));
}
