// The template editor: every field of the template spec (docs/api.md, "Templates") in sections,
// the parcel layout on a small plan of the region, and — for an existing template — the version
// the edit will make, asked of the server (PATCH ?dry_run=true, debounced) so that it is the
// server's own rule (docs/versioning.md) and its own validation: a refused value shows the
// server's message beside the field it names, before and after Save.
import { patch, post } from './api.js';
import { clearErrors, dialog, diffTable, field, formValue, h, showError, submitWith } from './ui.js';
import { PHYSICS } from './region_form.js';
import { parcelEditor } from './parcel_editor.js';

const PREVIEW_DELAY_MS = 300;

// What a new template starts from: the server's defaults (control/templates/template_spec.hpp).
const DEFAULTS = {
  size_x: 256, size_y: 256, physics_type: 'BulletSim', terrain_preset: 'flat',
  environment: { water_height: 20, sun_fixed: false, sun_position: 6, environment_preset: null },
  flags: { enabled: true, allow_voice: true, allow_flying: true, allow_scripts: true, max_prims: 15000, max_agents: 40 },
  parcel_layout: null,
};

const isSize = (v) => Number.isInteger(Number(v)) && v !== '' && Number(v) >= 256 && Number(v) <= 8192 && Number(v) % 256 === 0;
// A number as typed; anything else goes to the server as typed, which refuses it naming the field.
const num = (v) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

const section = (title, bump, ...children) => h('fieldset', { class: 'span-2 template-section', dataset: { section: title } },
  h('legend', {}, title, ' ', h('span', { class: 'bump bump-' + bump, title: `changing these is a ${bump} version change` }, bump)),
  h('div', { class: 'form-grid' }, children));

function fields(t) {
  return [
    section('General', 'patch',
      field({ name: 'name', label: 'Name', value: t.name ?? '', autofocus: true })),
    section('Size and physics', 'major',
      field({ name: 'size_x', label: 'Size X (m)', type: 'number', step: 256, value: t.size_x }),
      field({ name: 'size_y', label: 'Size Y (m)', type: 'number', step: 256, value: t.size_y }),
      field({ name: 'physics_type', label: 'Physics', options: PHYSICS, value: t.physics_type })),
    section('Terrain', 'minor',
      field({ name: 'terrain_preset', label: 'Terrain preset', value: t.terrain_preset, hint: "1-64 of lower-case letters, digits, '-' and '_'." })),
    section('Environment', 'patch',
      field({ name: 'environment.water_height', label: 'Water height (m)', type: 'number', step: 'any', value: t.environment?.water_height }),
      field({ name: 'environment.sun_position', label: 'Sun position (hours)', type: 'number', step: 'any', value: t.environment?.sun_position, hint: '0 to 24.' }),
      field({ name: 'environment.environment_preset', label: 'Environment preset', value: t.environment?.environment_preset ?? '', hint: 'An EEP preset name or asset UUID; empty for the simulator default.' }),
      field({ name: 'environment.sun_fixed', label: 'Fixed sun', type: 'checkbox', value: t.environment?.sun_fixed })),
    section('Access, voice, flying and scripts', 'patch',
      h('div', { class: 'span-2 checks' },
        field({ name: 'flags.enabled', label: 'Enabled', type: 'checkbox', value: t.flags?.enabled }),
        field({ name: 'flags.allow_voice', label: 'Allow voice', type: 'checkbox', value: t.flags?.allow_voice }),
        field({ name: 'flags.allow_flying', label: 'Allow flying', type: 'checkbox', value: t.flags?.allow_flying }),
        field({ name: 'flags.allow_scripts', label: 'Allow scripts', type: 'checkbox', value: t.flags?.allow_scripts }))),
    section('Limits', 'patch',
      field({ name: 'flags.max_agents', label: 'Max agents', type: 'number', value: t.flags?.max_agents, hint: '0 to 1000.' }),
      field({ name: 'flags.max_prims', label: 'Max prims', type: 'number', value: t.flags?.max_prims, hint: '0 to 1,000,000.' })),
  ];
}

// The spec as the form holds it, every field, as the API takes it.
function readSpec(form, parcels) {
  const v = (n) => formValue(form, n);
  const layout = parcels.value();
  return {
    name: v('name').trim(),
    size_x: num(v('size_x')), size_y: num(v('size_y')), physics_type: v('physics_type'), terrain_preset: v('terrain_preset').trim(),
    environment: {
      water_height: num(v('environment.water_height')), sun_position: num(v('environment.sun_position')),
      sun_fixed: v('environment.sun_fixed'), environment_preset: v('environment.environment_preset').trim() || null,
    },
    flags: {
      enabled: v('flags.enabled'), allow_voice: v('flags.allow_voice'), allow_flying: v('flags.allow_flying'), allow_scripts: v('flags.allow_scripts'),
      max_agents: num(v('flags.max_agents')), max_prims: num(v('flags.max_prims')),
    },
    parcel_layout: layout.length ? layout : null,
  };
}

const bumpColumn = [{ label: 'Version', render: (c) => h('span', { class: 'bump bump-' + c.bump }, c.bump) }];

// "This change will make version 1.1.0 (minor: parcel_layout, environment.water_height)".
export function previewText(answer) {
  if (answer.change === 'none') return `No change yet: the template stays at version ${answer.from_version}.`;
  return `This change will make version ${answer.version} (${answer.change}: ${answer.changes.map((c) => c.field).join(', ')})`;
}

// Resolves with the created or saved template (with "change" and "changes"), or null.
export function templateEditor(tmpl) {
  const path = tmpl ? '/templates/' + encodeURIComponent(tmpl.id) : null;
  const ifMatch = tmpl ? { 'If-Match': `"${tmpl.version}"` } : undefined;
  return dialog(tmpl ? `Edit template ${tmpl.name} (v${tmpl.version})` : 'New template', (close) => {
    const start = tmpl || { ...DEFAULTS, name: '' };
    let form = null;
    const sizeOf = (key) => (form && Number(formValue(form, key))) || start[key];
    const parcels = parcelEditor(start.parcel_layout || [], { size: () => [sizeOf('size_x'), sizeOf('size_y')] });
    const summary = h('p', { class: 'bump-preview', 'data-testid': 'bump-preview', 'aria-live': 'polite' });
    const changes = h('div', { class: 'bump-changes' });
    form = h('form', { class: 'form-grid template-editor', novalidate: true, 'aria-label': tmpl ? 'Edit template' : 'New template' },
      fields(start),
      h('fieldset', { class: 'span-2 template-section', dataset: { section: 'Parcel layout' } },
        h('legend', {}, 'Parcel layout ', h('span', { class: 'bump bump-minor' }, 'minor')), parcels.element),
      tmpl ? h('div', { class: 'span-2' }, h('h3', {}, 'Version'), summary, changes) : null,
      h('div', { class: 'actions span-2' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, tmpl ? 'Save new version' : 'Create template')));

    // The preview: the latest answer wins; an older one arriving late is dropped.
    let asked = 0;
    let timer;
    const askPreview = async () => {
      const mine = ++asked;
      try {
        const answer = await patch(path + '?dry_run=true', readSpec(form, parcels), ifMatch);
        if (mine !== asked) return;
        clearErrors(form);
        summary.textContent = previewText(answer);
        summary.dataset.version = answer.version;
        summary.dataset.change = answer.change;
        changes.replaceChildren(answer.changes.length ? diffTable(answer.changes, bumpColumn) : '');
      } catch (e) {
        if (mine !== asked) return;
        clearErrors(form);
        // showError focuses the refused field; while typing, the focus stays where the operator is.
        const typing = document.activeElement;
        showError(form, e.field, e.message);
        if (typing && form.contains(typing)) typing.focus();
        summary.textContent = `Not valid yet: ${e.field ? e.field + ' ' : ''}${e.message}`;
        summary.dataset.version = '';
        summary.dataset.change = 'invalid';
        changes.replaceChildren();
      }
    };
    const schedule = () => {
      parcels.redraw();
      if (!tmpl) return;
      clearTimeout(timer);
      summary.dataset.change = 'pending';
      timer = setTimeout(askPreview, PREVIEW_DELAY_MS);
    };
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    parcels.onChange(schedule);
    if (tmpl) askPreview();

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearTimeout(timer);
      asked++;
      const spec = readSpec(form, parcels);
      const checks = tmpl ? [] : [
        ['name', spec.name !== '' && spec.name.length <= 64, 'A name of 1 to 64 characters.'],
        ['size_x', isSize(formValue(form, 'size_x')), 'A multiple of 256 from 256 to 8192.'],
        ['size_y', isSize(formValue(form, 'size_y')), 'A multiple of 256 from 256 to 8192.'],
      ];
      const saved = await submitWith(form, checks, () => (tmpl ? patch(path, spec, ifMatch) : post('/templates', spec)));
      if (saved) close(saved);
    });
    return form;
  }, { wide: true });
}
