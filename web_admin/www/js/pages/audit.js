// The audit log: newest first, filterable by actor, action and entity type, polled every 5
// seconds; each entry opens the diff between the entity before and after. An admin also gets
// **Verify chain** (GET /api/v1/audit/verify: the hash chain walked, the first row that does not
// match named) and the chain's checkpoint (GET /api/v1/audit/checkpoint).
import { get, query } from '../api.js';
import { badge, clear, dialog, diffSpecs, diffTable, emptyRow, field, h, time } from '../ui.js';

const ENTITY_TYPES = ['', 'estate', 'template', 'region', 'user', 'simulator', 'registration_token', 'placement'];

export async function render(main, ctx) {
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter audit log' },
    field({ name: 'actor', label: 'Actor', value: ctx.query.get('actor') || '' }),
    field({ name: 'action', label: 'Action', placeholder: 'region.update', value: ctx.query.get('action') || '' }),
    field({ name: 'entity_type', label: 'Entity', options: ENTITY_TYPES.map((t) => [t, t || 'any']), value: ctx.query.get('entity_type') || '' }));
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Older entries');
  const updated = h('span', { class: 'live' }, 'live');
  const chain = h('div', { class: 'chain-result', 'aria-live': 'polite' });
  const verify = ctx.can('admin') ? h('button', { type: 'button', onclick: () => verifyChain(verify, chain) }, 'Verify chain') : null;
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Audit log'), h('div', { class: 'toolbar' }, updated, verify)),
    chain,
    h('div', { class: 'card' }, filters, h('table', { class: 'table', 'aria-label': 'Audit log' },
      h('thead', {}, h('tr', {}, ['When', 'Actor', 'Action', 'Entity', 'Request'].map((t) => h('th', {}, t)))), body), more));
  let pages = 1;
  const params = () => ({ actor: filters.elements.actor.value.trim(), action: filters.elements.action.value.trim(), entity_type: filters.elements.entity_type.value });

  async function load() {
    const items = [];
    let before = null;
    for (let i = 0; i < pages; i++) {
      const page = await get('/audit' + query({ ...params(), limit: 50, before }));
      items.push(...(page.items || []));
      before = page.next;
      if (!before) break;
    }
    more.hidden = !before;
    clear(body, items.length ? items.map((a) => h('tr', { tabindex: '0', class: 'audit-row', onclick: () => details(a), onkeydown: (e) => { if (e.key === 'Enter') details(a); } },
      h('td', {}, time(a.at)), h('td', {}, a.actor), h('td', { class: 'mono' }, a.action),
      h('td', {}, a.entity_type, ' ', h('span', { class: 'mono muted' }, (a.entity_id || '').slice(0, 8))), h('td', { class: 'mono muted' }, (a.request_id || '').slice(0, 12))))
      : emptyRow(5, 'No entries match.'));
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
  }
  more.addEventListener('click', () => { pages += 1; load(); });
  let debounce = null;
  const changed = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { pages = 1; history.replaceState({}, '', '/audit' + query(params())); load().catch(() => {}); }, 250);
  };
  filters.addEventListener('input', changed);
  filters.addEventListener('change', changed);
  filters.addEventListener('submit', (e) => e.preventDefault());
  await load();
  const timer = setInterval(() => load().catch(() => {}), 5000);
  return () => { clearInterval(timer); clearTimeout(debounce); };
}

// The chain's verdict and its head, in the API's words.
async function verifyChain(button, out) {
  button.disabled = true;
  clear(out, h('p', { class: 'muted' }, 'Walking the chain…'));
  try {
    const [v, head] = await Promise.all([get('/audit/verify'),
      get('/audit/checkpoint').catch((e) => (e.status === 404 ? null : Promise.reject(e)))]);
    const broken = v.broken ? h('div', { 'data-testid': 'chain-broken' },
      h('strong', {}, 'broken'), `: row ${v.broken.id} — ${v.broken.reason}`) : null;
    clear(out, h('div', { class: 'card', 'data-testid': 'chain-verify' },
      h('h2', {}, 'Audit chain ', badge(v.ok ? 'ok' : 'broken')),
      broken,
      h('dl', { class: 'kv' },
        h('dt', {}, 'ok'), h('dd', { 'data-testid': 'chain-ok' }, String(v.ok)),
        h('dt', {}, 'checked'), h('dd', { 'data-testid': 'chain-checked' }, v.checked),
        h('dt', {}, 'unchained'), h('dd', {}, v.unchained, h('span', { class: 'muted' }, ' (rows from before the chain)')),
        h('dt', {}, 'last_id'), h('dd', { class: 'mono' }, v.last_id),
        h('dt', {}, 'last_hash'), h('dd', { class: 'mono' }, v.last_hash || '—'),
        h('dt', {}, 'checkpoint'), h('dd', { 'data-testid': 'chain-checkpoint' }, head
          ? [h('span', { class: 'mono' }, `row ${head.id} · ${head.hash}`), ' · ', time(head.at)]
          : h('span', { class: 'muted' }, 'no chained row yet')))));
  } catch (e) {
    clear(out, h('div', { class: 'form-error', role: 'alert' }, 'Could not verify the chain: ' + e.message));
  } finally {
    button.disabled = false;
  }
}

function details(a) {
  return dialog(`${a.action} by ${a.actor}`, (close) => h('div', {},
    h('dl', { class: 'kv' }, h('dt', {}, 'When'), h('dd', {}, a.at), h('dt', {}, 'Entity'), h('dd', { class: 'mono' }, `${a.entity_type} ${a.entity_id}`),
      h('dt', {}, 'Request'), h('dd', { class: 'mono' }, a.request_id)),
    h('h3', {}, 'Change'), diffTable(diffSpecs(a.before, a.after)),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'Close'))), { wide: true });
}
