// Users (admin only): operators who log in here or use API tokens; create with a role and a
// password, change the role, reset the password, disable or enable. API tokens are shown once.
import { listAll, patch, post } from '../api.js';
import { badge, clear, confirmDialog, copyText, dialog, emptyRow, field, formValue, h, submitWith, time, toast } from '../ui.js';

const ROLES = ['viewer', 'operator', 'admin'];

function userDialog(user) {
  return dialog(user ? `Edit ${user.name}` : 'New user', (close) => {
    const form = h('form', { novalidate: true, 'aria-label': user ? 'Edit user' : 'New user' },
      user ? null : field({ name: 'name', label: 'User name', autofocus: true }),
      field({ name: 'role', label: 'Role', options: ROLES, value: user?.role || 'operator' }),
      field({ name: 'password', label: user ? 'New password (leave empty to keep it)' : 'Password', type: 'password', autocomplete: 'new-password', hint: 'By default at least 10 characters.' }),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, user ? 'Save' : 'Create user')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = user ? user.name : formValue(form, 'name').trim();
      const password = formValue(form, 'password');
      const body = { role: formValue(form, 'role') };
      if (password) body.password = password;
      const saved = await submitWith(form, [
        ['name', name !== '' && name.length <= 64, 'A name of 1 to 64 characters.'],
        ['password', user || password.length > 0, 'A password, so the user can log in here.'],
      ], () => (user ? patch('/users/' + encodeURIComponent(user.id), body) : post('/users', { name, ...body })));
      if (saved) close(saved);
    });
    return form;
  });
}

async function newToken(user) {
  const made = await dialog(`API token for ${user.name}`, (close) => {
    const form = h('form', { novalidate: true, 'aria-label': 'New API token' },
      field({ name: 'label', label: 'Label', placeholder: 'ci, laptop…', autofocus: true }),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, 'Create token')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const label = formValue(form, 'label').trim();
      const token = await submitWith(form, [['label', label !== '', 'Say what the token is for.']],
        () => post(`/users/${encodeURIComponent(user.id)}/tokens`, { label }));
      if (token) close(token);
    });
    return form;
  });
  if (!made) return;
  await dialog('API token', (close) => h('div', {},
    h('div', { class: 'secret' }, h('code', { class: 'mono', 'data-testid': 'secret' }, made.token),
      h('button', { type: 'button', class: 'small', onclick: async (e) => { e.target.textContent = (await copyText(made.token)) ? 'Copied' : 'Select and copy'; } }, 'Copy')),
    h('p', { class: 'muted' }, 'It is shown only now: the control plane keeps only its hash.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'Done'))));
}

export async function render(main, ctx) {
  if (!ctx.can('admin')) {
    clear(main, h('h1', {}, 'Users'), h('p', {}, 'Only an admin manages users.'));
    return undefined;
  }
  const users = await listAll('/users');
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Users'),
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        const u = await userDialog();
        if (u) { toast(`User ${u.name} created`, 'ok'); ctx.refresh(); }
      } }, '+ New user')),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Users' },
      h('thead', {}, h('tr', {}, ['Name', 'Role', 'State', 'Password', 'Created', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, users.length ? users.map((u) => h('tr', {},
        h('td', {}, h('strong', {}, u.name)), h('td', {}, u.role), h('td', {}, badge(u.disabled ? 'disabled' : 'enabled')),
        h('td', {}, u.has_password ? 'set' : '—'), h('td', {}, time(u.created_at)),
        h('td', {}, h('div', { class: 'toolbar' },
          h('button', { type: 'button', class: 'small', onclick: async () => { if (await userDialog(u)) { toast('Saved', 'ok'); ctx.refresh(); } } }, 'Edit'),
          h('button', { type: 'button', class: 'small', onclick: () => newToken(u) }, 'API token'),
          u.name === ctx.user.subject ? null : h('button', { type: 'button', class: 'small' + (u.disabled ? '' : ' danger'), onclick: async () => {
            if (!u.disabled && !(await confirmDialog('Disable user', `Disable ${u.name}? Their sessions and tokens stop working.`, 'Disable'))) return;
            try { await patch('/users/' + encodeURIComponent(u.id), { disabled: !u.disabled }); ctx.refresh(); } catch (e) { toast(e.message, 'error'); }
          } }, u.disabled ? 'Enable' : 'Disable')))))
        : emptyRow(6, 'No users.')))));
  return undefined;
}
