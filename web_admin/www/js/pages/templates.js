// Templates: list, create, edit every field (each edit a new version, previewed before it is
// saved: template_editor.js), every version with a diff between any two; Roll out takes a version
// to the template's regions in waves (rollouts.js), and its rollouts are listed.
import { del, get, listAll } from '../api.js';
import { clear, confirmDialog, diffSpecs, diffTable, emptyRow, h, time, toast } from '../ui.js';
import { templateEditor } from '../template_editor.js';
import { rolloutBadge, rolloutDialog } from '../rollouts.js';

export async function render(main, ctx) {
  if (ctx.params.id) return renderTemplate(main, ctx, ctx.params.id);
  const templates = await listAll('/templates');
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Templates'),
      ctx.can('write') ? h('button', { type: 'button', class: 'primary', onclick: async () => {
        const t = await templateEditor();
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
  const rollouts = (await get(`/templates/${encodeURIComponent(id)}/rollouts?limit=10`).catch(() => ({ items: [] }))).items || [];
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
          const saved = await templateEditor(tmpl);
          if (saved) { toast(`${saved.name}: ${tmpl.version} → ${saved.version}${saved.change ? ' (' + saved.change + ')' : ''}`, 'ok'); ctx.refresh(); }
        } }, 'Edit'),
        h('button', { type: 'button', onclick: async () => {
          const started = await rolloutDialog(tmpl);
          if (started) { toast(`Rollout of ${tmpl.name} to ${started.to_version} started`, 'ok'); ctx.navigate('/rollouts/' + encodeURIComponent(started.id)); }
        } }, 'Roll out'),
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
        h('h3', {}, 'Compare versions'), h('div', { class: 'toolbar' }, h('label', {}, 'From ', from), h('label', {}, 'to ', to)), diffBox)),
    h('section', { class: 'card' }, h('h2', {}, 'Rollouts'),
      h('table', { class: 'table compact', 'aria-label': 'Template rollouts' },
        h('thead', {}, h('tr', {}, ['Rollout', 'To version', 'State', 'Wave', 'Created'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rollouts.length ? rollouts.map((r) => h('tr', {},
          h('td', {}, h('a', { href: '/rollouts/' + encodeURIComponent(r.id) }, r.id.slice(0, 8))), h('td', { class: 'mono' }, r.to_version),
          h('td', {}, rolloutBadge(r.state)), h('td', {}, r.current_wave), h('td', {}, time(r.created_at))))
          : emptyRow(5, 'No rollout of this template yet.')))));
  drawDiff();
  return undefined;
}
