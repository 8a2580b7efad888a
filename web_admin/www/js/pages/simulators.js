// Simulators: labels, load (CPU, memory, regions against capacity), heartbeat age, state;
// registration tokens (created and shown once); cordon, uncordon, revoke, rotate key.
import { listAll, post } from '../api.js';
import { badge, bar, clear, confirmDialog, copyText, dialog, emptyRow, field, formValue, h, submitWith, time, toast } from '../ui.js';

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

  const act = async (sim, path, message, body) => {
    try {
      const r = await post(`/simulators/${encodeURIComponent(sim.id)}/${path}`, body);
      if (r && r.api_key) await secretDialog('New simulator key', [`The old key keeps working until ${r.previous_key_valid_until}.`], r.api_key);
      else toast(message, 'ok');
      load();
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  async function load() {
    const sims = await listAll('/simulators');
    clear(body, sims.length ? sims.map((s) => h('tr', {},
      h('td', {}, h('div', {}, h('strong', {}, s.hostname)), h('div', { class: 'mono muted' }, s.id)),
      h('td', {}, badge(s.state)),
      h('td', {}, h('div', { class: 'labels' }, (s.labels || []).map((l) => h('span', { class: 'label' }, l)))),
      h('td', {}, bar('CPU', s.load?.cpu ?? 0, 1), bar('Memory', s.load?.memory ?? 0, 1), bar('Regions', s.load?.regions ?? 0, s.capacity || 0)),
      h('td', {}, time(s.last_heartbeat_at)),
      h('td', {}, h('div', { class: 'toolbar' },
        ctx.can('write') && s.state !== 'revoked' ? (s.state === 'cordoned'
          ? h('button', { type: 'button', class: 'small', onclick: () => act(s, 'uncordon', 'Uncordoned') }, 'Uncordon')
          : h('button', { type: 'button', class: 'small', onclick: () => act(s, 'cordon', 'Cordoned: no new regions go there') }, 'Cordon')) : null,
        ctx.can('admin') && s.state !== 'revoked' ? [
          h('button', { type: 'button', class: 'small', onclick: async () => { if (await confirmDialog('Rotate key', `Give ${s.hostname} a new API key? The old one works for 5 more minutes.`, 'Rotate', false)) act(s, 'rotate-key', '', {}); } }, 'Rotate key'),
          h('button', { type: 'button', class: 'small danger', onclick: async () => { if (await confirmDialog('Revoke simulator', `Revoke ${s.hostname}? Every key it has stops working at once.`, 'Revoke')) act(s, 'revoke', 'Revoked'); } }, 'Revoke')] : null))))
      : emptyRow(6, 'No simulator has registered yet.'));
  }
  await load();
  const timer = setInterval(() => load().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
