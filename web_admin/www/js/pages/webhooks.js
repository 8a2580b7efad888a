// Webhooks (admin only): the webhook subscriptions (GET /api/v1/webhooks) with their name, url,
// types, subjects, state and lag; create, edit, pause/resume, delete, **Send test** (one
// org.vergegrid.webhook.test event now, the answer shown: delivered, status, duration_ms, error).
// Beneath, every event subscription (GET /api/v1/event-subscriptions: the webhooks and the sinks
// configured in the INI file, such as sink:nats) with its cursor and lag. /webhooks/{id} is one
// subscription's delivery log (state filter, paged with next_before). Both refresh on events,
// a little after them (the dispatcher delivers in the meantime), and every 5 s: delivering moves
// the lag and the log without an event of its own.
import { del, get, patch, post, query } from '../api.js';
import { badge, clear, confirmDialog, dialog, emptyRow, field, formValue, h, submitWith, time, toast } from '../ui.js';
import { liveRefresh, splitList } from '../live.js';

const DELIVERY_STATES = ['', 'delivered', 'failed', 'dead'];
const REFRESH = { delayMs: 500, fallbackMs: 5000 };
const STATE_BADGE = { active: 'ok', paused: 'warn', delivered: 'ok', failed: 'warn', dead: 'bad' };

function stateBadge(state) {
  return h('span', { class: 'badge badge-' + (STATE_BADGE[state] || 'muted') }, state);
}

function list(values) {
  return values && values.length ? values.join(', ') : h('span', { class: 'muted' }, 'all');
}

function webhookDialog(webhook) {
  return dialog(webhook ? `Edit ${webhook.name || webhook.url}` : 'New webhook', (close) => {
    const form = h('form', { novalidate: true, 'aria-label': webhook ? 'Edit webhook' : 'New webhook' },
      field({ name: 'url', label: 'URL', value: webhook?.url || '', placeholder: 'https://receiver.example/hooks/vergegrid', autofocus: true,
        hint: 'https:// (http:// only when the control plane allows it: [event_sink.webhook] allow_http).' }),
      field({ name: 'secret', label: webhook ? 'Secret (leave empty to keep it)' : 'Secret', type: 'password', autocomplete: 'new-password',
        hint: '16 to 256 bytes: the key of X-VergeGrid-Signature. It is never shown again.' }),
      field({ name: 'name', label: 'Name', value: webhook?.name || '' }),
      field({ name: 'types', label: 'Types', value: (webhook?.types || []).join(', '), placeholder: 'org.vergegrid.region.*, org.vergegrid.simulator.offline',
        hint: 'Comma-separated; exact types or prefixes ending in *. Empty: every type.' }),
      field({ name: 'subjects', label: 'Subjects', value: (webhook?.subjects || []).join(', '), placeholder: 'an entity id',
        hint: 'Comma-separated entity ids. Empty: every subject.' }),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, webhook ? 'Save' : 'Create webhook')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const url = formValue(form, 'url').trim();
      const secret = formValue(form, 'secret');
      const name = formValue(form, 'name').trim();
      const body = { url, types: splitList(formValue(form, 'types')), subjects: splitList(formValue(form, 'subjects')) };
      // The API takes a name of at least one character, or none at all.
      if (name) body.name = name;
      if (secret) body.secret = secret;
      const saved = await submitWith(form, [
        ['url', url !== '', 'The receiver\'s URL.'],
        ['name', name !== '' || !webhook?.name, 'A webhook keeps a name once it has one: give another.'],
        ['secret', webhook || secret !== '', 'A secret, so the receiver can check each request\'s signature.'],
      ], () => (webhook ? patch('/webhooks/' + encodeURIComponent(webhook.id), body) : post('/webhooks', body)));
      if (saved) close(saved);
    });
    return form;
  });
}

function testAnswer(webhook, r) {
  const what = webhook.name || webhook.url;
  return h('div', { class: 'banner ' + (r.delivered ? 'banner-info' : 'banner-bad'), role: 'status', 'data-testid': 'test-result' }, h('span', {},
    h('strong', {}, `Test of ${what}: `), r.delivered ? 'delivered' : 'not delivered',
    ` · status ${r.status || '—'} · ${r.duration_ms} ms`, r.error ? [' · error: ', h('span', { class: 'mono' }, r.error)] : null));
}

export async function render(main, ctx) {
  if (!ctx.can('admin')) {
    clear(main, h('h1', {}, 'Webhooks'), h('p', {}, 'Only an admin manages webhooks and event subscriptions.'));
    return undefined;
  }
  if (ctx.params.id) return renderDeliveries(main, ctx, ctx.params.id);
  const result = h('div', { 'aria-live': 'polite' });
  const hooks = h('tbody');
  const subs = h('tbody');
  const hookHeads = ['Name', 'url', 'types', 'subjects', 'state', 'lag', ''];
  const subHeads = ['id', 'sink', 'name', 'state', 'cursor', 'lag', ''];
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'Webhooks'),
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        const w = await webhookDialog();
        if (w) { toast(`Webhook ${w.name || w.url} created`, 'ok'); refresh(); }
      } }, '+ New webhook')),
    result,
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Webhooks' },
      h('thead', {}, h('tr', {}, hookHeads.map((t) => h('th', {}, t)))), hooks)),
    h('h2', {}, 'Event subscriptions'),
    h('p', { class: 'muted' }, 'Every consumer of the outbox: the webhooks above and the sinks configured in the control plane\'s INI file ([events] sinks).'),
    h('div', { class: 'card' }, h('table', { class: 'table', 'aria-label': 'Event subscriptions' },
      h('thead', {}, h('tr', {}, subHeads.map((t) => h('th', {}, t)))), subs)));

  const act = async (fn, message) => {
    try {
      await fn();
      if (message) toast(message, 'ok');
    } catch (e) {
      toast(e.message, 'error');
    }
    refresh();
  };
  const path = (w) => '/webhooks/' + encodeURIComponent(w.id);

  function hookRow(w) {
    return h('tr', { 'data-webhook': w.id },
      h('td', {}, h('strong', {}, w.name || '—')), h('td', { class: 'mono' }, w.url),
      h('td', { class: 'mono' }, list(w.types)), h('td', { class: 'mono' }, list(w.subjects)),
      h('td', {}, stateBadge(w.state)), h('td', { 'data-testid': 'lag' }, w.lag),
      h('td', {}, h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'small', onclick: async (e) => {
          e.target.disabled = true;
          try {
            clear(result, testAnswer(w, await post(path(w) + '/test')));
          } catch (err) {
            clear(result, h('div', { class: 'banner banner-bad', role: 'alert', 'data-testid': 'test-result' }, `Test of ${w.name || w.url} failed: ${err.message}`));
          } finally {
            e.target.disabled = false;
          }
        } }, 'Send test'),
        h('a', { class: 'button small', href: path(w) }, 'Delivery log'),
        h('button', { type: 'button', class: 'small', onclick: async () => { if (await webhookDialog(w)) { toast('Saved', 'ok'); refresh(); } } }, 'Edit'),
        w.state === 'paused'
          ? h('button', { type: 'button', class: 'small', onclick: () => act(() => patch(path(w), { state: 'active' }), 'Resumed: delivery goes on from where it stopped') }, 'Resume')
          : h('button', { type: 'button', class: 'small', onclick: () => act(() => patch(path(w), { state: 'paused' }), 'Paused: events wait for it') }, 'Pause'),
        h('button', { type: 'button', class: 'small danger', onclick: async () => {
          if (await confirmDialog('Delete webhook', `Delete the webhook ${w.name ? w.name + ' ' : ''}to ${w.url}? Nothing more is sent to it.`, 'Delete')) act(() => del(path(w)), 'Webhook deleted');
        } }, 'Delete'))));
  }

  function subRow(s) {
    return h('tr', { 'data-subscription': s.id },
      h('td', { class: 'mono muted' }, s.id), h('td', { class: 'mono' }, s.sink), h('td', {}, s.name || '—'),
      h('td', {}, stateBadge(s.state)), h('td', { class: 'mono' }, s.cursor), h('td', {}, s.lag),
      h('td', {}, h('a', { class: 'button small', href: '/webhooks/' + encodeURIComponent(s.id) }, 'Delivery log')));
  }

  let left = false;
  async function load() {
    const [webhooks, subscriptions] = await Promise.all([get('/webhooks'), get('/event-subscriptions')]);
    if (left) return;
    clear(hooks, webhooks.items.length ? webhooks.items.map(hookRow) : emptyRow(hookHeads.length, 'No webhooks yet.'));
    clear(subs, subscriptions.items.length ? subscriptions.items.map(subRow) : emptyRow(subHeads.length, 'No event subscriptions: no webhook, and no sink configured.'));
  }
  const refresh = () => load().catch((e) => toast(e.message, 'error'));
  await load();
  const stop = liveRefresh(['org.vergegrid.'], load, REFRESH);
  return () => {
    left = true;
    stop();
  };
}

// One subscription's delivery log, newest first: each attempt with its event, state (delivered,
// failed: to be retried, dead: given up), attempt number, the receiver's status, duration, error.
async function renderDeliveries(main, ctx, id) {
  const subscriptions = await get('/event-subscriptions');
  const sub = subscriptions.items.find((s) => s.id === id);
  if (!sub) {
    clear(main, h('h1', {}, 'No such subscription'), h('p', {}, `No event subscription has the id ${id}.`), h('a', { href: '/webhooks' }, 'Back to webhooks'));
    return undefined;
  }
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter deliveries' },
    field({ name: 'state', label: 'State', options: DELIVERY_STATES.map((s) => [s, s || 'any']), value: ctx.query.get('state') || '' }));
  const summary = h('p', { class: 'muted' });
  const body = h('tbody');
  const newest = h('button', { type: 'button', hidden: true }, 'Newest');
  const older = h('button', { type: 'button', hidden: true }, 'Older');
  const heads = ['id', 'event_seq', 'event_type', 'event_id', 'at', 'state', 'attempt', 'status', 'duration_ms', 'error'];
  clear(main, h('header', { class: 'page-head' },
    h('div', {}, h('a', { href: '/webhooks', class: 'crumb' }, 'Webhooks'), h('h1', {}, 'Delivery log: ', sub.name || sub.sink))),
  summary,
  h('div', { class: 'card' }, filters, h('table', { class: 'table compact', 'aria-label': 'Deliveries' },
    h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))), body), h('div', { class: 'pager' }, newest, older)));

  let before = null;
  let next = null;
  let left = false;
  async function load() {
    const state = filters.elements.state.value;
    const [page, all] = await Promise.all([
      get(`/event-subscriptions/${encodeURIComponent(id)}/deliveries` + query({ state, before, limit: 50 })),
      get('/event-subscriptions'),
    ]);
    if (left) return;
    const now = all.items.find((s) => s.id === id) || sub;
    clear(summary, `${now.sink} · `, stateBadge(now.state), ` · cursor ${now.cursor} · lag ${now.lag}`);
    next = page.next_before;
    older.hidden = next === null || next === undefined;
    newest.hidden = before === null;
    clear(body, page.items.length ? page.items.map((d) => h('tr', { 'data-delivery': d.id, 'data-state': d.state },
      h('td', { class: 'mono muted' }, d.id), h('td', { class: 'mono' }, d.event_seq), h('td', { class: 'mono' }, d.event_type),
      h('td', { class: 'mono muted' }, d.event_id), h('td', {}, time(d.at)), h('td', {}, stateBadge(d.state)), h('td', {}, d.attempt),
      h('td', {}, d.status || '—'), h('td', {}, d.duration_ms), h('td', { class: 'failure' }, d.error || '')))
      : emptyRow(heads.length, state ? `No ${state} deliveries.` : 'No deliveries yet.'));
  }
  older.addEventListener('click', () => { before = next; load().catch((e) => toast(e.message, 'error')); });
  newest.addEventListener('click', () => { before = null; load().catch((e) => toast(e.message, 'error')); });
  filters.addEventListener('change', () => {
    before = null;
    history.replaceState({}, '', '/webhooks/' + encodeURIComponent(id) + query({ state: filters.elements.state.value }));
    load().catch((e) => toast(e.message, 'error'));
  });
  filters.addEventListener('submit', (e) => e.preventDefault());
  await load();
  // Only the newest page follows new deliveries; an older one stays as it is while read.
  const stop = liveRefresh(['org.vergegrid.'], () => (before === null ? load() : undefined), REFRESH);
  return () => {
    left = true;
    stop();
  };
}
