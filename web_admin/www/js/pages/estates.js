// Estates: the owners regions belong to. List, create, rename, change the owner, delete (refused
// while in use). The owner is an OpenSim user — the simulator creates the estate owned by them —
// so the API checks its form ("First Last" or a UUID); its message shows beside the field as is.
import { del, listAll, patch, post } from '../api.js';
import { clear, confirmDialog, dialog, emptyRow, field, formValue, h, submitWith, time, toast } from '../ui.js';

function estateDialog(estate) {
  return dialog(estate ? 'Edit estate' : 'New estate', (close) => {
    const form = h('form', { novalidate: true, 'aria-label': estate ? 'Edit estate' : 'New estate' },
      field({ name: 'name', label: 'Name', value: estate?.name, autofocus: true }),
      field({ name: 'owner', label: 'Owner', value: estate?.owner, placeholder: 'First Last',
        hint: 'An OpenSim avatar name "First Last" or the user\'s UUID: the owner of the estate in the simulator, who must exist in its user service.' }),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, estate ? 'Save' : 'Create estate')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = formValue(form, 'name').trim();
      const owner = formValue(form, 'owner').trim();
      const saved = await submitWith(form, [
        ['name', name !== '' && name.length <= 64, 'A name of 1 to 64 characters.'],
        ['owner', owner !== '', 'Who owns the estate: an avatar name "First Last" or a UUID.'],
      ], () => (estate ? patch('/estates/' + encodeURIComponent(estate.id), { name, owner }) : post('/estates', { name, owner })));
      if (saved) close(saved);
    });
    return form;
  });
}

export async function render(main, ctx) {
  const estates = await listAll('/estates');
  const regions = await listAll('/regions');
  const count = (id) => regions.filter((r) => r.estate_id === id).length;
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Estates'),
      ctx.can('write') ? h('button', { type: 'button', class: 'primary', onclick: async () => {
        const e = await estateDialog();
        if (e) { toast(`Estate ${e.name} created`, 'ok'); ctx.refresh(); }
      } }, '+ New estate') : null),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Estates' },
      h('thead', {}, h('tr', {}, ['Name', 'Owner', 'Regions', 'Updated', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, estates.length ? estates.map((e) => h('tr', {},
        h('td', {}, e.name), h('td', {}, e.owner), h('td', {}, count(e.id)), h('td', {}, time(e.updated_at)),
        h('td', {}, ctx.can('write') ? h('div', { class: 'toolbar' },
          h('button', { type: 'button', class: 'small', onclick: async () => { if (await estateDialog(e)) ctx.refresh(); } }, 'Edit'),
          h('button', { type: 'button', class: 'small danger', disabled: count(e.id) > 0, title: count(e.id) ? 'Regions still belong to it' : '', onclick: async () => {
            if (!(await confirmDialog('Delete estate', `Delete ${e.name}?`, 'Delete'))) return;
            try { await del('/estates/' + encodeURIComponent(e.id)); toast('Estate deleted', 'ok'); ctx.refresh(); } catch (err) { toast(err.message, 'error'); }
          } }, 'Delete')) : null)))
        : emptyRow(5, 'No estates yet.')))));
  return undefined;
}
