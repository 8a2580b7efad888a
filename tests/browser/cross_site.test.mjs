// A page on another port of the same host is the same "site", so the SameSite=Strict session
// cookie goes along with its requests. The control plane must refuse such a forged change (403
// cross_origin) while the console's own requests work.
import { createServer } from 'node:http';
import { apiClient, expect, launchBrowser, login, newPage, run, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.cross_site', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });

  // The attacker's page: a blind POST with the browser's cookies, as no-cors allows.
  const attacker = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><title>start</title><script>
      fetch(${JSON.stringify(server.base + '/api/v1/estates')}, { method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ name: 'Forged', owner: 'Mallory Forger' }) })
        .finally(() => { document.title = 'sent'; });
    </script>`);
  });
  await new Promise((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  defer(() => new Promise((resolve) => attacker.close(resolve)));

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page } = await newPage(browser);
  await login(page, server.base, 'ops', PASSWORD);

  const evil = await page.context().newPage();
  await evil.goto(`http://127.0.0.1:${attacker.address().port}/`);
  await evil.waitForFunction(() => document.title === 'sent');
  const estates = await api('GET', '/estates');
  expect(estates.items.length === 0, 'the forged request created nothing');
  // It did reach the server with the session (a 403, not a 401 for a missing cookie).
  const metrics = await (await fetch(server.base + '/metrics')).text();
  expect(/vergegrid_http_requests_total\{method="POST",route="\/api\/v1\/estates",status="403"\} 1/.test(metrics),
    'the forged POST was refused as cross-origin:\n' + metrics.split('\n').filter((l) => l.includes('estates')).join('\n'));

  // The console itself, same origin, still changes things with the same cookie.
  const created = await page.evaluate(async () => {
    const response = await fetch('/api/v1/estates', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Real', owner: 'Grid Ops' }) });
    return response.status;
  });
  expect(created === 201, 'a same-origin POST with the cookie works: ' + created);
});
