// The console's shell: who is logged in, the navigation, the client-side router and the login
// page. Each page module exports render(container, ctx) and may return a cleanup function
// (stopping its live refresh) that runs when the page is left. While someone is logged in the
// console keeps one live event stream (live.js), whose state the sidebar shows. A one-time login
// link (/login#once=<secret>, from `vergegrid-control admin login-link` or the first start) is
// exchanged for a session, its secret dropped from the URL first.
import { api, get, post, setUnauthenticatedHandler } from './api.js';
import { h, clear, field, submitWith, toast } from './ui.js';
import { liveStatus, onLiveStatus, startLive, stopLive } from './live.js';

const PAGES = [
  { path: '/', label: 'Dashboard', icon: '◧', load: () => import('./pages/dashboard.js') },
  { path: '/map', label: 'World map', icon: '▦', load: () => import('./pages/map.js') },
  { path: '/regions', label: 'Regions', icon: '▤', load: () => import('./pages/regions.js') },
  { path: '/templates', label: 'Templates', icon: '❏', load: () => import('./pages/templates.js') },
  { path: '/rollouts', label: 'Rollouts', icon: '⇶', load: () => import('./pages/rollouts.js') },
  { path: '/estates', label: 'Estates', icon: '⌂', load: () => import('./pages/estates.js') },
  { path: '/blueprints', label: 'Blueprints', icon: '▣', load: () => import('./pages/blueprints.js') },
  { path: '/simulators', label: 'Simulators', icon: '⚙', load: () => import('./pages/simulators.js') },
  { path: '/placement', label: 'Placement', icon: '◎', load: () => import('./pages/placement.js') },
  { path: '/migrations', label: 'Migrations', icon: '⇆', load: () => import('./pages/migrations.js') },
  { path: '/operations', label: 'Operations', icon: '⇄', load: () => import('./pages/operations.js') },
  { path: '/snapshots', label: 'Snapshots', icon: '◫', load: () => import('./pages/snapshots.js') },
  { path: '/events', label: 'Events', icon: '≋', load: () => import('./pages/events.js') },
  { path: '/audit', label: 'Audit log', icon: '☰', load: () => import('./pages/audit.js') },
  { path: '/plugins', label: 'Plugins', icon: '⊞', load: () => import('./pages/plugins.js') },
  { path: '/cluster', label: 'Cluster', icon: '◈', load: () => import('./pages/cluster.js') },
  { path: '/api-reference', label: 'API', icon: '⌘', load: () => import('./pages/api_reference.js') },
  { path: '/webhooks', label: 'Webhooks', icon: '⤴', load: () => import('./pages/webhooks.js'), permission: 'admin' },
  { path: '/users', label: 'Users', icon: '☺', load: () => import('./pages/users.js'), permission: 'admin' },
];

const RANK = { viewer: 1, operator: 2, admin: 3 };
let user = null;
let cleanup = null;
let renderToken = 0;
let linkError = '';
// Set while a session opened by a login link has not set a password: every page prompts for one.
const SET_PASSWORD = 'vergegrid.set-password';

const ctx = {
  get user() {
    return user;
  },
  // read / write / admin, as the API's permissions: the console hides what would be refused.
  can(permission) {
    const rank = RANK[user?.role] || 0;
    return { read: 1, write: 2, admin: 3 }[permission] <= rank;
  },
  navigate,
  refresh: () => route(),
};

function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) return route();
  history[replace ? 'replaceState' : 'pushState']({}, '', path);
  return route();
}

async function whoami() {
  try {
    user = await get('/auth/whoami');
  } catch {
    user = null;
  }
  return user;
}

function pageFor(pathname) {
  const exact = PAGES.find((p) => p.path === pathname);
  if (exact) return { page: exact, params: {} };
  const [, first, second] = pathname.split('/');
  const page = PAGES.find((p) => p.path === '/' + first);
  return page ? { page, params: { id: second ? decodeURIComponent(second) : undefined } } : null;
}

// The secret leaves the address bar and the history before anything else happens, so it is not
// left behind on the screen, in the history, or for a reload to replay.
async function loginWithLink(secret) {
  history.replaceState({}, '', '/');
  try {
    await api('POST', '/auth/login-link', { secret });
    sessionStorage.setItem(SET_PASSWORD, '1');
    linkError = '';
  } catch (e) {
    linkError = e.status === 401 ? 'This login link is used, expired or unknown. Ask for a new one (vergegrid-control admin login-link) or log in with your password.' : e.message;
  }
  user = null;
  await whoami();
}

function setPasswordPrompt() {
  if (!sessionStorage.getItem(SET_PASSWORD)) return null;
  const banner = h('div', { class: 'banner banner-warn', role: 'status', 'data-testid': 'set-password-prompt' },
    h('strong', {}, 'Set a password.'),
    h('span', {}, 'You logged in with a one-time link; to log in again you need a password: ',
      ctx.can('admin')
        ? [h('a', { href: '/users' }, 'Users'), ` → Edit ${user.subject} → New password (saving it ends this session; then log in with it).`]
        : `ask an admin to set one, or run "vergegrid-control admin set-password --user ${user.subject}" on the control plane's machine.`),
    h('button', { type: 'button', class: 'link', onclick: () => { sessionStorage.removeItem(SET_PASSWORD); banner.remove(); } }, 'Dismiss'));
  return banner;
}

async function route() {
  const token = ++renderToken;
  if (location.hash.startsWith('#once=')) {
    await loginWithLink(decodeURIComponent(location.hash.slice('#once='.length)));
    if (token !== renderToken) return undefined;
  }
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const app = document.getElementById('app');
  if (location.pathname === '/login' || !user) {
    if (!user && location.pathname !== '/login') {
      if (await whoami()) return route();
      history.replaceState({}, '', '/login?next=' + encodeURIComponent(location.pathname + location.search));
    }
    stopLive();
    return renderLogin(app);
  }
  startLive();
  const found = pageFor(location.pathname);
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(app, h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'), layout(found?.page), main);
  if (!found) {
    clear(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ' + location.pathname + '.'));
    return undefined;
  }
  document.title = found.page.label + ' · VergeGrid';
  const module = await found.page.load();
  if (token !== renderToken) return undefined;
  try {
    const result = await module.render(main, { ...ctx, params: found.params, query: new URLSearchParams(location.search) });
    if (token === renderToken && typeof result === 'function') cleanup = result;
    else if (typeof result === 'function') result();
    const prompt = token === renderToken ? setPasswordPrompt() : null;
    if (prompt) main.prepend(prompt);
  } catch (e) {
    main.append(h('div', { class: 'form-error', role: 'alert' }, 'Could not load this page: ' + e.message));
  }
  return undefined;
}

function layout(current) {
  const nav = h('nav', { class: 'sidebar', 'aria-label': 'Main' },
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'brand-mark' }, '▦'), 'VergeGrid'),
    liveIndicator(),
    h('ul', {}, PAGES.filter((p) => !p.permission || ctx.can(p.permission)).map((p) => h('li', {},
      h('a', { href: p.path, class: p === current ? 'active' : '', 'aria-current': p === current ? 'page' : null },
        h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, p.icon), p.label)))),
    h('div', { class: 'whoami' },
      h('div', {}, h('strong', { class: 'user-name' }, user.subject)),
      h('div', { class: 'role role-' + user.role, 'data-testid': 'role' }, user.role),
      h('button', { type: 'button', class: 'link', onclick: logout }, 'Log out')));
  return nav;
}

// "live" while the event stream is connected, "reconnecting" (with the reason on hover) while it
// backs off after a failure.
const LIVE_WORDS = { live: 'live', reconnecting: 'reconnecting…', off: 'not live' };
function liveIndicator() {
  const el = h('div', { class: 'live-status', 'data-testid': 'live-status', role: 'status' });
  paintLive(el, liveStatus(), '');
  return el;
}
function paintLive(el, status, detail) {
  el.dataset.state = status;
  el.textContent = LIVE_WORDS[status] || status;
  el.title = status === 'reconnecting' ? 'The live event stream failed' + (detail ? ': ' + detail : '') + '; retrying.'
    : status === 'live' ? 'Pages update as changes happen (GET /api/v1/events/stream).' : '';
}
onLiveStatus((status, detail) => {
  document.querySelectorAll('[data-testid=live-status]').forEach((el) => paintLive(el, status, detail));
});

async function logout() {
  try {
    await post('/auth/logout');
  } catch {
    // The session may already be gone; either way the console returns to the login page.
  }
  user = null;
  sessionStorage.removeItem(SET_PASSWORD);
  stopLive();
  navigate('/login', { replace: true });
}

function renderLogin(app) {
  document.title = 'Log in · VergeGrid';
  const form = h('form', { class: 'login-card', novalidate: true },
    h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark' }, '▦'), 'VergeGrid'),
    h('h1', {}, 'Log in to the grid console'),
    field({ name: 'username', label: 'User name', required: true, autofocus: true, autocomplete: 'username' }),
    field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }),
    h('button', { type: 'submit', class: 'primary wide' }, 'Log in'));
  if (linkError) form.insertBefore(h('div', { class: 'form-error', role: 'alert', 'data-testid': 'link-error' }, linkError), form.querySelector('.field'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    const done = await submitWith(form, [
      ['username', username !== '', 'Enter your user name.'],
      ['password', password !== '', 'Enter your password.'],
    ], () => api('POST', '/auth/login', { username, password }));
    if (!done) return;
    sessionStorage.removeItem(SET_PASSWORD);
    linkError = '';
    await whoami();
    const next = new URLSearchParams(location.search).get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/', { replace: true });
  });
  clear(app, h('div', { class: 'login-page' }, form));
  form.querySelector('[autofocus]').focus();
}

setUnauthenticatedHandler(() => {
  if (!user) return;
  user = null;
  stopLive();
  toast('Your session ended; log in again.', 'error');
  navigate('/login?next=' + encodeURIComponent(location.pathname), { replace: true });
});

document.addEventListener('click', (event) => {
  const a = event.target.closest('a[href]');
  if (!a || event.defaultPrevented || a.target || a.hasAttribute('download') || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => route());

route();
