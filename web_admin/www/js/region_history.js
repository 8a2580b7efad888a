// A region's history: every version with its change, actor and time, a diff between any two
// versions, and a rollback button per older version.
import { post } from './api.js';
import { confirmDialog, diffSpecs, diffTable, h, time, toast } from './ui.js';

export function historySection(ctx, region, history, reload) {
  const versions = [...history].reverse();
  const diffBox = h('div', { class: 'diff-box' });
  const pick = (name, index) => h('select', { name, 'aria-label': name === 'from' ? 'Compare from version' : 'Compare to version' },
    versions.map((v, i) => h('option', { value: v.version, selected: i === index }, v.version)));
  const from = pick('from', Math.min(1, versions.length - 1));
  const to = pick('to', 0);
  const spec = (version) => versions.find((v) => v.version === version)?.spec;
  // The version itself is in the selectors; the table shows what the spec changed.
  const drawDiff = () => diffBox.replaceChildren(diffTable(diffSpecs(spec(from.value), spec(to.value)).filter((c) => c.field !== 'version')));
  from.addEventListener('change', drawDiff);
  to.addEventListener('change', drawDiff);
  drawDiff();
  return h('section', { class: 'card' },
    h('h2', {}, 'History'),
    h('table', { class: 'table compact', 'aria-label': 'Region history' },
      h('thead', {}, h('tr', {}, ['Version', 'Change', 'Actor', 'When', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, versions.map((v) => h('tr', {},
        h('td', { class: 'mono' }, v.version, v.version === region.version ? h('span', { class: 'badge badge-info' }, 'current') : null),
        h('td', {}, v.change), h('td', {}, v.actor), h('td', {}, time(v.at)),
        h('td', {}, ctx.can('write') && v.version !== region.version ? h('button', { type: 'button', class: 'small', 'aria-label': 'Roll back to ' + v.version, onclick: async () => {
          if (!(await confirmDialog('Roll back', `Make a new version of ${region.name} whose spec equals ${v.version}?`, 'Roll back', false))) return;
          try {
            const updated = await post(`/regions/${encodeURIComponent(region.id)}/rollback`, { version: v.version });
            toast(`Rolled back: now ${updated.version}`, 'ok');
            reload();
          } catch (e) {
            toast(e.message, 'error');
          }
        } }, 'Roll back') : null))))),
    h('h3', {}, 'Compare versions'),
    h('div', { class: 'toolbar' }, h('label', {}, 'From ', from), h('label', {}, 'to ', to)),
    diffBox);
}
