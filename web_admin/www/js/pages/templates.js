// Templates: list, create, edit (each edit a new version), every version with a diff between
// any two.
import { del, get, listAll, patch, post } from '../api.js';
import { clear, confirmDialog, dialog, diffSpecs, diffTable, emptyRow, field, formValue, h, submitWith, time, toast } from '../ui.js';
import { PHYSICS } from '../region_form.js';

const isSize = (v) => Number.isInteger(Number(v)) && v !== '' && Number(v) >= 256 && Number(v) <= 8192 && Number(v) % 256 === 0;

function templateDialog(tmpl) {
  return dialog(tmpl ? `Edit template ${tmpl.name} (v${tmpl.version})` : 'New template', (close) => {
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': tmpl ? 'Edit template' : 'New template' },
      tmpl ? null : field({ name: 'name', label: 'Name', autofocus: true }),
      field({ name: 'size_x', label: 'Size X (m)', type: 'number', step: 256, value: tmpl?.size_x ?? 256 }),
      field({ name: 'size_y', label: 'Size Y (m)', type: 'number', step: 256, value: tmpl?.size_y ?? 256 }),
      field({ name: 'physics_type', label: 'Physics', options: PHYSICS, value: tmpl?.physics_type ?? 'BulletSim' }),
      field({ name: 'terrain_preset', label: 'Terrain preset', value: tmpl?.terrain_preset ?? 'flat' }),
      field({ name: 'flags.max_agents', label: 'Max agents', type: 'number', value: tmpl?.flags?.max_agents ?? 40 }),
      field({ name: 'flags.max_prims', label: 'Max prims', type: 'number', value: tmpl?.flags?.max_prims ?? 15000 }),
      h('div', { class: 'actions span-2' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, tmpl ? 'Save new version' : 'Create template')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (n) => formValue(form, n);
      const spec = {
        size_x: Number(v('size_x')), size_y: Number(v('size_y')), physics_type: v('physics_type'), terrain_preset: v('terrain_preset').trim(),
        flags: { max_agents: Number(v('flags.max_agents')), max_prims: Number(v('flags.max_prims')) },
      };
      const checks = [
        ['size_x', isSize(v('size_x')), 'A multiple of 256 from 256 to 8192.'],
        ['size_y', isSize(v('size_y')), 'A multiple of 256 from 256 to 8192.'],
        ['terrain_preset', spec.terrain_preset !== '', 'A terrain preset name.'],
        ['flags.max_agents', Number.isInteger(spec.flags.max_agents) && spec.flags.max_agents >= 0 && v('flags.max_agents') !== '', 'From 0 to 1000.'],
        ['flags.max_prims', Number.isInteger(spec.flags.max_prims) && spec.flags.max_prims >= 0 && v('flags.max_prims') !== '', 'From 0 to 1,000,000.'],
      ];
      if (!tmpl) checks.unshift(['name', v('name').trim() !== '' && v('name').length <= 64, 'A name of 1 to 64 characters.']);
      const saved = await submitWith(form, checks, () => (tmpl
        ? patch('/templates/' + encodeURIComponent(tmpl.id), spec, { 'If-Match': `"${tmpl.version}"` })
        : post('/templates', { name: v('name').trim(), ...spec })));
      if (saved) close(saved);
    });
    return form;
  }, { wide: true });
}

export async function render(main, ctx) {
  if (ctx.params.id) return renderTemplate(main, ctx, ctx.params.id);
  const templates = await listAll('/templates');
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Templates'),
      ctx.can('write') ? h('button', { type: 'button', class: 'primary', onclick: async () => {
        const t = await templateDialog();
        if (t) { toast(`Template ${t.name} created`, 'ok'); ctx.navigate('/templates/' + t.id); }
      } }, '+ New template') : null),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Templates' },
      h('thead', {}, h('tr', {}, ['Name', 'Size', 'Physics', 'Terrain', 'Version', 'Updated'].map((t) => h('th', {}, t)))),
      h('tbody', {}, templates.length ? templates.map((t) => h('tr', {},
        h('td', {}, h('a', { href: '/templates/' + t.id }, t.name)), h('td', {}, `${t.size_x}×${t.size_y}`), h('td', {}, t.physics_type),
        h('td', {}, t.terrain_preset), h('td', { class: 'mono' }, t.version), h('td', {}, time(t.updated_at || t.created_at))))
        : emptyRow(6, 'No templates yet.')))));
  return undefined;
}

async function renderTemplate(main, ctx, id) {
  const tmpl = await get('/templates/' + encodeURIComponent(id));
  const versions = ((await get(`/templates/${encodeURIComponent(id)}/versions`)).items || []).slice().reverse();
  const specOf = (version) => versions.find((v) => v.version === version)?.spec ?? versions.find((v) => v.version === version);
  const pick = (label, index) => h('select', { 'aria-label': label }, versions.map((v, i) => h('option', { value: v.version, selected: i === index }, v.version)));
  const from = pick('Compare from version', Math.min(1, versions.length - 1));
  const to = pick('Compare to version', 0);
  const diffBox = h('div');
  const drawDiff = () => diffBox.replaceChildren(diffTable(diffSpecs(specOf(from.value), specOf(to.value))));
  from.addEventListener('change', drawDiff);
  to.addEventListener('change', drawDiff);
  clear(main,
    h('header', { class: 'page-head' },
      h('div', {}, h('a', { href: '/templates', class: 'crumb' }, 'Templates'), h('h1', {}, tmpl.name, ' ', h('span', { class: 'version' }, 'v' + tmpl.version))),
      h('div', { class: 'toolbar' }, ctx.can('write') ? [
        h('button', { type: 'button', class: 'primary', onclick: async () => {
          const saved = await templateDialog(tmpl);
          if (saved) { toast(`${saved.name}: ${tmpl.version} → ${saved.version}${saved.change ? ' (' + saved.change + ')' : ''}`, 'ok'); ctx.refresh(); }
        } }, 'Edit'),
        h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!(await confirmDialog('Delete template', `Delete ${tmpl.name}? Refused while regions were made from it.`, 'Delete'))) return;
          try { await del('/templates/' + encodeURIComponent(id)); toast('Template deleted', 'ok'); ctx.navigate('/templates'); } catch (e) { toast(e.message, 'error'); }
        } }, 'Delete')] : null)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', {}, 'Current spec'), h('pre', { class: 'json' }, JSON.stringify(tmpl, null, 2))),
      h('section', { class: 'card' }, h('h2', {}, 'Versions'),
        h('table', { class: 'table compact', 'aria-label': 'Template versions' },
          h('thead', {}, h('tr', {}, ['Version', 'Actor', 'When'].map((t) => h('th', {}, t)))),
          h('tbody', {}, versions.map((v) => h('tr', {}, h('td', { class: 'mono' }, v.version), h('td', {}, v.actor || '—'), h('td', {}, time(v.at || v.created_at)))))),
        h('h3', {}, 'Compare versions'), h('div', { class: 'toolbar' }, h('label', {}, 'From ', from), h('label', {}, 'to ', to)), diffBox)));
  drawDiff();
  return undefined;
}
