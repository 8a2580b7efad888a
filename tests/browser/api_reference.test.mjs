// The API reference page (web_admin/www/js/pages/api_reference.js) in a real Chromium, as a
// viewer: rendered from the server's own GET /api/v1/openapi.json, offline (no request leaves
// the control plane's origin). It lists every route of the document by tag with its method, path
// and permission; an opened route shows its path parameter, its request body's fields and its
// responses, whose referenced schema opens in turn; the filter narrows the list.
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.api_reference', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'reader', role: 'viewer', password: PASSWORD });
  const document = await api('GET', '/openapi.json');
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const foreign = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(server.base)) foreign.push(request.url());
  });
  await login(page, server.base, 'reader', PASSWORD);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API', exact: true }).click();
  const op = (key) => page.locator(`details.api-op[data-operation="${key}"]`);
  await op('GET /api/v1/regions/{id}').waitFor();
  expect(await page.locator('details.api-op').count() === operations, `every operation listed (${operations})`);
  expect((await page.locator('h1').textContent()).includes(document.info.version), 'the version in the title');

  // Method, path, permission and summary on the closed line.
  const regionLine = await op('GET /api/v1/regions/{id}').locator('summary').textContent();
  for (const word of ['GET', '/api/v1/regions/{id}', 'read', document.paths['/api/v1/regions/{id}'].get.summary]) {
    expect(regionLine.includes(word), `the line says ${word}: ${regionLine}`);
  }
  expect((await op('GET /healthz').locator('summary').textContent()).includes('anyone'), 'healthz: anyone');
  expect((await op('POST /api/v1/sim/heartbeat').locator('summary').textContent()).includes('simulator'), 'heartbeat: simulator');
  expect((await op('DELETE /api/v1/templates/{id}').locator('summary').textContent()).includes('write'), 'template delete: write');

  // Opened: the path parameter, the responses, the referenced schema's fields.
  const get = op('GET /api/v1/regions/{id}');
  await get.locator('summary').click();
  const params = get.getByRole('table', { name: 'Parameters' });
  await params.waitFor();
  expect((await params.textContent()).includes('id') && (await params.textContent()).includes('path'), 'the id path parameter');
  for (const status of ['200', '401', '403', '404']) {
    expect(await get.locator(`li[data-status="${status}"]`).count() === 1, `response ${status} listed`);
  }
  const ok = get.locator('li[data-status="200"]');
  await ok.locator('details > summary').first().click();
  await ok.getByText('placement_state', { exact: true }).waitFor();
  expect((await ok.textContent()).includes('one of: "pending", "placed"'), 'the enum shown: ' + (await ok.textContent()).slice(0, 300));
  await screenshot(page, 'api-reference-region');

  // A request body's fields.
  const post = op('POST /api/v1/estates');
  await post.locator('summary').click();
  await post.getByRole('heading', { name: /^Request body/ }).waitFor();
  const postText = await post.textContent();
  expect(postText.includes('owner') && postText.includes('Other fields are refused.'), 'the estate body: ' + postText.slice(0, 400));

  // The filter narrows the list to matching routes and hides empty tags.
  await page.getByRole('searchbox', { name: 'Filter routes' }).fill('/api/v1/estates');
  const visible = page.locator('details.api-op:visible');
  await page.waitForFunction(() => [...document.querySelectorAll('details.api-op')].filter((d) => !d.hidden).length === 5);
  expect(await visible.count() === 5, 'five estate routes');
  expect(!(await op('GET /healthz').isVisible()), 'healthz hidden');
  expect(await page.locator('section.api-tag[data-tag="system"]').isHidden(), 'the system tag hidden');

  expect(foreign.length === 0, 'nothing fetched from elsewhere: ' + foreign.join(', '));
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
