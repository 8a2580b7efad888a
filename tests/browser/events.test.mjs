// Live updates, webhooks, events and the audit chain in a real Chromium (docs/web-console.md,
// "Live updates"). With the dashboard, the map, the operations and the simulators pages open, a
// change made through the REST API shows within 1 s, and between changes the page makes no API
// request but the event stream (no polling). The sidebar says "live", "reconnecting…" while the
// stream fails, and "live" again after. The Webhooks page creates a webhook on a receiver the test
// runs (plain http: the control plane gets [event_sink.webhook] allow_http), sends a test the
// receiver gets signed and the page reports delivered with its status, shows the delivery of a
// region.created in the webhook's log (and none under "failed"), pauses, edits and deletes it; the
// Events page lists events as they happen, filtered by the stream's `type`; the Audit page's
// Verify chain says ok with the checkpoint.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const SECRET = 'receiver-secret-0123456789';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The rules of live.js, as served: its parser, its matching and its refresh pacing.
const live = await import(new URL('../../web_admin/www/js/live.js', import.meta.url));

function parserRules() {
  const feed = live.sseParser();
  const first = feed('retry: 500\nid: 7\nevent: org.vergegrid.region.created\ndata: {"type":"org.vergegrid.re');
  expect(first.length === 0, 'half a message waits for the rest: ' + JSON.stringify(first));
  const rest = feed('gion.created"}\n\nid: 9\n: keep-alive\n\n');
  expect(rest.length === 2, 'the event and the keep-alive id: ' + JSON.stringify(rest));
  expect(rest[0].retry === 500 && rest[0].id === '7' && rest[0].event === 'org.vergegrid.region.created' && JSON.parse(rest[0].data).type === 'org.vergegrid.region.created', 'the event whole');
  expect(rest[1].id === '9' && rest[1].data === '', 'a keep-alive moves the id on');
  const crlf = live.sseParser()('id: 3\r\ndata: a\r\ndata: b\r\n\r\n');
  expect(crlf.length === 1 && crlf[0].data === 'a\nb', 'CRLF lines, data lines joined: ' + JSON.stringify(crlf));
  expect(live.typeMatches('org.vergegrid.region.', 'org.vergegrid.region.created'), 'a prefix ending in .');
  expect(live.typeMatches('org.vergegrid.region.*', 'org.vergegrid.region.created'), 'a prefix ending in *');
  expect(!live.typeMatches('org.vergegrid.region.', 'org.vergegrid.regions.x') && !live.typeMatches('org.vergegrid.region.created', 'org.vergegrid.region.create'), 'exact otherwise');
  const event = { type: 'org.vergegrid.region.created', subject: 'r1' };
  expect(live.filterMatches({ type: 'org.vergegrid.simulator.*, org.vergegrid.region.*' }, event), 'one of the listed types');
  expect(!live.filterMatches({ type: 'org.vergegrid.simulator.*' }, event), 'not another type');
  expect(live.filterMatches({ subject: 'r2,r1' }, event) && !live.filterMatches({ subject: 'r2' }, event), 'subjects exact');
}

// A webhook receiver on loopback: records each request and answers 204.
async function startReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), url: request.url });
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hooks/vergegrid`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

function signed(request) {
  const timestamp = request.headers['x-vergegrid-timestamp'];
  const expected = 'sha256=' + createHmac('sha256', SECRET).update(timestamp + '.' + request.body).digest('hex');
  return request.headers['x-vergegrid-signature'] === expected;
}

// liveRefresh: a burst of matching events is one refresh, the next waits 250 ms, other types none.
async function refreshRules() {
  const runs = [];
  const stop = live.liveRefresh(['org.vergegrid.region.'], async () => { runs.push(Date.now()); }, { fallbackMs: 0 });
  const region = (n) => live.publish({ type: 'org.vergegrid.region.updated', subject: 'r' + n }, n);
  for (let i = 0; i < 10; i++) region(i);
  await sleep(120);
  expect(runs.length === 1, 'ten events at once, one refresh: ' + runs.length);
  region(11);
  region(12);
  await sleep(60);
  expect(runs.length === 1, 'not again within 250 ms');
  await sleep(300);
  expect(runs.length === 2 && runs[1] - runs[0] >= 245, 'then once more: ' + runs.map((t) => t - runs[0]).join());
  live.publish({ type: 'org.vergegrid.simulator.online', subject: 's1' }, 13);
  await sleep(350);
  expect(runs.length === 2, 'no refresh for another type');
  stop();
  region(14);
  await sleep(350);
  expect(runs.length === 2, 'none once stopped');
  expect(live.recentEvents().length === 14, 'the console keeps what it saw for the Events page');
}

await run('browser.events', async (defer) => {
  parserRules();
  await refreshRules();
  const receiver = await startReceiver();
  defer(() => receiver.close());
  const server = await startControlPlane({ ini: '[event_sink.webhook]\nallow_http = true\n' });
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  const estate = await api('POST', '/estates', { name: 'Mainland', owner: 'Grid Ops' });
  const registration = await api('POST', '/simulators/registration-tokens', {});
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim1.test', capacity: 16 });
  const simId = sim.simulator_id || sim.id;
  let nextX = 1000;
  const createRegion = (name) => api('POST', '/regions', { name, estate_id: estate.id, loc_x: nextX++, loc_y: 1000 });

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  // Every API request the page makes, but the event stream's.
  const requests = [];
  const streams = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.startsWith('/api/v1/')) return;
    (path === '/api/v1/events/stream' ? streams : requests).push({ at: Date.now(), path });
  });
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  await login(page, server.base, 'ops', PASSWORD);
  const indicator = page.getByTestId('live-status');
  await indicator.filter({ hasText: 'live' }).waitFor();
  // The console's first stream request starts "from now": it must be at the server first.
  for (let i = 0; i < 100 && !streams.length; i++) await sleep(50);
  expect(streams.length > 0, 'the console opened the event stream');
  await sleep(300);

  // (a) A page open, quiet: no request but the stream for longer than any old poll interval;
  // then a change through the API shows within 1 s.
  async function quietThenLive(label, quietMs, change, appeared) {
    await sleep(300);
    const mark = requests.length;
    await sleep(quietMs);
    const during = requests.slice(mark).map((r) => r.path);
    expect(during.length === 0, `${label}: no polling while nothing changes, got ${during.join(', ')}`);
    const changed = await change();
    const answered = Date.now();
    await appeared(changed, 1000);
    const took = Date.now() - answered;
    expect(took <= 1000, `${label}: shown ${took} ms after the API answered`);
    console.log(`${label}: shown ${took} ms after the API answered`);
    return changed;
  }

  await nav('Dashboard').click();
  const regionsStat = page.getByTestId('stat-regions').locator('.num');
  await regionsStat.filter({ hasText: /^0$/ }).waitFor();
  await quietThenLive('dashboard', 5500, () => createRegion('Live One'),
    (_, timeout) => regionsStat.filter({ hasText: /^1$/ }).waitFor({ timeout }));
  await screenshot(page, 'live-dashboard');

  await nav('World map').click();
  await page.locator('.tile[data-region="Live One"]').waitFor();
  await quietThenLive('map', 2500, () => createRegion('Live Two'),
    (_, timeout) => page.locator('.tile[data-region="Live Two"]').waitFor({ timeout }));
  await screenshot(page, 'live-map');

  await nav('Operations').click();
  const opRows = page.locator('tr.op-row');
  await opRows.filter({ hasText: 'Live Two' }).waitFor();
  await quietThenLive('operations', 3500, () => createRegion('Live Three'),
    (_, timeout) => opRows.filter({ hasText: 'Live Three' }).waitFor({ timeout }));
  await screenshot(page, 'live-operations');

  await nav('Simulators').click();
  const simRow = page.getByRole('table', { name: 'Simulators' }).locator('tbody tr').filter({ hasText: 'sim1.test' });
  await simRow.waitFor();
  expect(!(await simRow.textContent()).includes('cordoned'), 'not cordoned yet');
  await quietThenLive('simulators', 5500, () => api('POST', `/simulators/${simId}/cordon`),
    (_, timeout) => simRow.locator('.badge', { hasText: 'cordoned' }).waitFor({ timeout }));
  await api('POST', `/simulators/${simId}/uncordon`);
  await simRow.locator('.badge', { hasText: /^(registered|online)$/ }).waitFor({ timeout: 2000 });

  // The stream fails: "reconnecting…"; it works again: "live", and the page catches up.
  await page.route('**/api/v1/events/stream**', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"try later"}}' }));
  await api('POST', '/estates', { name: 'Wake One', owner: 'Grid Ops' }); // ends the parked response
  await indicator.filter({ hasText: 'reconnecting' }).waitFor({ timeout: 5000 });
  expect((await indicator.getAttribute('title')).includes('try later'), 'the reason on hover: ' + await indicator.getAttribute('title'));
  await screenshot(page, 'live-reconnecting');
  await api('POST', `/simulators/${simId}/cordon`); // missed while the stream is down
  await page.unroute('**/api/v1/events/stream**');
  await api('POST', '/estates', { name: 'Wake Two', owner: 'Grid Ops' });
  await indicator.filter({ hasText: /^live$/ }).waitFor({ timeout: 15000 });
  await simRow.locator('.badge', { hasText: 'cordoned' }).waitFor({ timeout: 3000 });
  await api('POST', `/simulators/${simId}/uncordon`);

  // (b) Webhooks: create on the receiver, send a test, see a region.created delivered in its log.
  await nav('Webhooks').click();
  await page.getByRole('table', { name: 'Webhooks' }).getByText('No webhooks yet.').waitFor();
  await page.getByRole('button', { name: '+ New webhook' }).click();
  const form = page.getByRole('form', { name: 'New webhook' });
  await form.getByLabel('URL').fill(receiver.url);
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await form.locator('[data-field="secret"] .field-error').filter({ hasText: 'secret' }).waitFor();
  await form.getByLabel('Secret').fill('short');
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await form.locator('[data-field="secret"] .field-error').filter({ hasText: /\S/ }).waitFor();
  await form.getByLabel('Secret').fill(SECRET);
  await form.getByLabel('Name').fill('receiver');
  await form.getByLabel('Types').fill('org.vergegrid.region.*, org.vergegrid.webhook.test');
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await form.waitFor({ state: 'detached' });
  const hookRow = page.getByRole('table', { name: 'Webhooks' }).locator('tbody tr').filter({ hasText: 'receiver' });
  await hookRow.waitFor();
  const rowText = await hookRow.textContent();
  for (const word of [receiver.url, 'org.vergegrid.region.*', 'active']) expect(rowText.includes(word), `the row says ${word}: ${rowText}`);
  const [hook] = (await api('GET', '/webhooks')).items;
  expect(hook.url === receiver.url && hook.name === 'receiver' && hook.types.includes('org.vergegrid.region.*'), 'the API has it: ' + JSON.stringify(hook));

  await hookRow.getByRole('button', { name: 'Send test' }).click();
  const result = page.getByTestId('test-result');
  await result.filter({ hasText: 'delivered' }).waitFor();
  const said = await result.textContent();
  expect(said.includes('Test of receiver: delivered') && said.includes('status 204'), 'the answer: ' + said);
  const test = receiver.received.find((r) => JSON.parse(r.body).type === 'org.vergegrid.webhook.test');
  expect(test && signed(test), 'the receiver got the test, signed: ' + JSON.stringify(receiver.received.map((r) => r.headers)));
  await screenshot(page, 'webhooks');

  const subs = page.getByRole('table', { name: 'Event subscriptions' });
  const subText = await subs.locator(`tr[data-subscription="${hook.id}"]`).textContent();
  expect(subText.includes('webhook') && subText.includes('receiver'), 'the subscriptions list it: ' + subText);

  const made = await createRegion('Hooked');
  for (let i = 0; i < 50 && !receiver.received.some((r) => JSON.parse(r.body).subject === made.id); i++) await sleep(100);
  const delivered = receiver.received.find((r) => JSON.parse(r.body).type === 'org.vergegrid.region.created' && JSON.parse(r.body).subject === made.id);
  expect(delivered && signed(delivered), 'the receiver got region.created, signed');
  await hookRow.getByRole('link', { name: 'Delivery log' }).click();
  const log = page.getByRole('table', { name: 'Deliveries' });
  const deliveredRow = log.locator('tr[data-state="delivered"]').filter({ hasText: 'org.vergegrid.region.created' });
  await deliveredRow.first().waitFor({ timeout: 10000 });
  const logText = await deliveredRow.first().textContent();
  expect(logText.includes('204'), 'the receiver\'s status: ' + logText);
  await screenshot(page, 'webhook-deliveries');
  await page.getByRole('form', { name: 'Filter deliveries' }).getByLabel('State').selectOption('failed');
  await log.getByText('No failed deliveries.').waitFor();
  expect(page.url().endsWith('?state=failed'), 'the filter in the address: ' + page.url());
  await page.getByRole('form', { name: 'Filter deliveries' }).getByLabel('State').selectOption('delivered');
  await deliveredRow.first().waitFor();

  await page.getByRole('link', { name: 'Webhooks' }).first().click();
  await hookRow.getByRole('button', { name: 'Pause' }).click();
  await hookRow.locator('.badge', { hasText: 'paused' }).waitFor();
  expect((await api('GET', `/webhooks/${hook.id}`)).state === 'paused', 'paused in the API');
  await hookRow.getByRole('button', { name: 'Resume' }).click();
  await hookRow.locator('.badge', { hasText: 'active' }).waitFor();
  await hookRow.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit webhook' });
  await edit.getByLabel('Name').fill('renamed');
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });
  const renamed = page.getByRole('table', { name: 'Webhooks' }).locator('tbody tr').filter({ hasText: 'renamed' });
  await renamed.waitFor();
  expect((await api('GET', `/webhooks/${hook.id}`)).name === 'renamed', 'renamed in the API');
  await renamed.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete webhook' });
  expect((await confirm.textContent()).includes(receiver.url), 'the confirmation names the url');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('table', { name: 'Webhooks' }).getByText('No webhooks yet.').waitFor();
  expect((await api('GET', '/webhooks')).items.length === 0, 'gone from the API');

  // The Events page: events as they happen, newest first; the type filter is the stream's.
  await nav('Events').click();
  const events = page.getByRole('table', { name: 'Events' });
  await events.locator('tr.event-row').first().waitFor();
  const fresh = await createRegion('Watched');
  const freshRow = events.locator('tr.event-row[data-type="org.vergegrid.region.created"]').filter({ hasText: fresh.id });
  await freshRow.waitFor({ timeout: 2000 });
  expect((await events.locator('tr.event-row').first().getAttribute('data-type')) !== null, 'rows listed');
  await freshRow.click();
  const json = page.getByTestId('event-json');
  expect(JSON.parse(await json.textContent()).subject === fresh.id, 'the whole CloudEvent');
  await page.keyboard.press('Escape');
  await page.getByRole('form', { name: 'Filter events' }).getByLabel('Type').fill('org.vergegrid.simulator.*');
  await page.waitForURL(/type=org\.vergegrid\.simulator/);
  await events.locator('tr.event-row[data-type^="org.vergegrid.region."]').first().waitFor({ state: 'detached' });
  await createRegion('Unwatched');
  await api('POST', `/simulators/${simId}/cordon`);
  await events.locator('tr.event-row[data-type="org.vergegrid.simulator.cordoned"]').first().waitFor({ timeout: 3000 });
  expect(await events.locator('tr.event-row[data-type^="org.vergegrid.region."]').count() === 0, 'no region event under the simulator filter');
  await screenshot(page, 'events');
  await page.getByRole('form', { name: 'Filter events' }).getByLabel('Type').fill('a*b');
  await page.getByTestId('events-error').filter({ hasText: 'type' }).waitFor();

  // (c) The audit chain verifies, with its checkpoint.
  await nav('Audit log').click();
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await page.getByTestId('chain-verify').waitFor();
  expect((await page.getByTestId('chain-ok').textContent()) === 'true', 'ok');
  const checked = Number(await page.getByTestId('chain-checked').textContent());
  const verdict = await api('GET', '/audit/verify');
  const head = await api('GET', '/audit/checkpoint');
  expect(checked > 5 && checked <= verdict.checked, `checked ${checked} rows (the API now: ${verdict.checked})`);
  expect(await page.getByTestId('chain-broken').count() === 0, 'nothing broken');
  expect((await page.getByTestId('chain-checkpoint').textContent()).includes(head.hash.slice(0, 16)) || verdict.checked > checked, 'the checkpoint hash');
  await screenshot(page, 'audit-verify');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
