// How the control plane serves the console: content types, ETag revalidation, the single-page
// fallback for client routes, JSON 404s under /api/, a real 404 for a missing file, and the
// console's files reachable without credentials while the API still asks for them.
import { expect, run, startControlPlane } from './harness.mjs';

await run('browser.serving', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const get = (path, headers = {}) => fetch(server.base + path, { headers });

  const index = await get('/');
  expect(index.status === 200, '/ answers 200');
  expect(index.headers.get('content-type') === 'text/html; charset=utf-8', 'index is HTML');
  expect(/frame-ancestors 'none'/.test(index.headers.get('content-security-policy') || ''), 'the console may not be framed');
  const html = await index.text();
  expect(html.includes('/js/main.js'), 'index loads the app');
  const etag = index.headers.get('etag');
  expect(/^"[0-9a-f]{32}"$/.test(etag || ''), 'a strong ETag: ' + etag);
  expect((await get('/', { 'If-None-Match': etag })).status === 304, 'revalidation answers 304');
  expect((await get('/', { 'If-None-Match': '"other"' })).status === 200, 'a stale ETag gets the file');

  const script = await get('/js/main.js');
  expect(script.status === 200 && script.headers.get('content-type') === 'text/javascript; charset=utf-8', 'scripts are JavaScript');
  expect((await get('/app.css')).headers.get('content-type') === 'text/css; charset=utf-8', 'styles are CSS');

  const clientRoute = await get('/regions/some-id');
  expect(clientRoute.status === 200 && (await clientRoute.text()) === html, 'a client route gets index.html');

  const missing = await get('/js/nope.js');
  expect(missing.status === 404, 'a missing file is a 404');
  const apiMissing = await get('/api/v1/nope');
  expect(apiMissing.status === 404 && apiMissing.headers.get('content-type') === 'application/json', 'unknown API routes stay JSON 404s');
  expect((await apiMissing.json()).error.code === 'not_found', 'with the not_found code');
  expect((await get('/api/v1/regions')).status === 401, 'the API still needs credentials');
  const post = await fetch(server.base + '/regions', { method: 'POST', body: '{}' });
  expect(post.status === 404, 'only GET and HEAD reach the console files');
  const head = await fetch(server.base + '/map', { method: 'HEAD' });
  expect(head.status === 200, 'HEAD of a client route');
});
