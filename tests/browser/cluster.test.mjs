// The Cluster page (GET /api/v1/cluster) in a real Chromium, as a viewer (the route needs only
// read): on SQLite the one replica is the leader, live and this replica, coordination "single".
// Then the answer is replaced in the browser (page.route) by the shapes a PostgreSQL cluster
// gives — three replicas, one gone; no leader — which the 5 s poll picks up; a failing poll
// keeps the last answer under an error; an answer lacking "items" names it.
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const ID = (n) => `0193a1b2-0000-7000-8000-00000000000${n}`;

function replica(n, { leading = false, live = true } = {}) {
  return {
    id: ID(n), name: `cp${n}.example:9800`, url: `http://cp${n}.example:9800`, version: '0.1.0',
    started_at: new Date(Date.now() - 600000 + n * 1000).toISOString(),
    seen_at: new Date(Date.now() - (live ? 2000 : 40000)).toISOString(), leading, live,
  };
}

function threeReplicas(leader) {
  return {
    replica: ID(2), leader: leader ? ID(leader) : null, coordination: 'postgresql', failover_s: 10,
    items: [replica(1, { leading: leader === 1 }), replica(2), replica(3, { live: false })],
  };
}

await run('browser.cluster', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'watcher', role: 'viewer', password: PASSWORD });
  const real = await api('GET', '/cluster');
  expect(real.coordination === 'single' && real.items.length === 1, 'SQLite: one replica, single: ' + JSON.stringify(real));
  const [self] = real.items;
  expect(real.replica === self.id && real.leader === self.id && self.leading === true && self.live === true,
    'the one replica answers, leads and is live: ' + JSON.stringify(real));

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  await login(page, server.base, 'watcher', PASSWORD);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cluster', exact: true }).click();
  const table = page.getByRole('table', { name: 'Replicas' });
  const rows = table.locator('tbody tr[data-replica]');
  const row = (id) => table.locator(`tr[data-replica="${id}"]`);
  const text = async (testId) => (await page.getByTestId(testId).textContent()).trim();

  // The real answer of a SQLite control plane.
  await row(self.id).waitFor();
  expect(await rows.count() === 1, 'one replica listed');
  expect(await text('cluster-coordination') === 'single', 'coordination single');
  expect(await text('cluster-leader') === (self.name || self.id), 'the leader is that replica: ' + await text('cluster-leader'));
  expect(await text('cluster-replica') === (self.name || self.id), 'and so is this replica');
  const selfRow = await row(self.id).textContent();
  for (const word of ['this replica', 'leader', 'live', self.version]) expect(selfRow.includes(word), `its row says ${word}: ${selfRow}`);
  expect(await page.getByTestId('cluster-error').count() === 0 && await page.getByTestId('no-leader').count() === 0, 'no error, a leader');
  await screenshot(page, 'cluster-single');

  // Three replicas on PostgreSQL, one of them gone: the poll picks the new answer up unasked.
  let answer = { status: 200, body: threeReplicas(1) };
  await page.route('**/api/v1/cluster', (route) => route.fulfill({
    status: answer.status, contentType: 'application/json', body: JSON.stringify(answer.body),
  }));
  await row(ID(3)).waitFor({ timeout: 15000 });
  expect(await rows.count() === 3, 'three replicas listed');
  expect(await text('cluster-coordination') === 'postgresql', 'coordination postgresql');
  expect(await text('cluster-leader') === 'cp1.example:9800', 'cp1 leads');
  expect(await text('cluster-replica') === 'cp2.example:9800', 'cp2 answered');
  expect((await row(ID(1)).textContent()).includes('leader'), 'cp1 marked leader');
  expect(!(await row(ID(1)).textContent()).includes('this replica'), 'cp1 is not this replica');
  expect((await row(ID(2)).getByTestId('this-replica').count()) === 1, 'cp2 marked this replica');
  expect(!(await row(ID(2)).textContent()).includes('leader'), 'cp2 does not lead');
  expect((await row(ID(3)).textContent()).includes('gone'), 'cp3 marked gone');
  expect(await row(ID(3)).evaluate((tr) => tr.classList.contains('replica-gone')), 'cp3 greyed');
  expect(await row(ID(1)).evaluate((tr) => !tr.classList.contains('replica-gone')), 'cp1 not greyed');
  await screenshot(page, 'cluster-three');

  // No replica leads: "none", and a warning that names the failover time.
  answer = { status: 200, body: threeReplicas(null) };
  await page.reload();
  await page.getByTestId('no-leader').waitFor();
  expect(await text('cluster-leader') === 'none', 'leader none');
  expect((await text('no-leader')).includes('within 10 s'), 'the warning names failover_s');
  expect(!(await row(ID(1)).textContent()).includes('leader'), 'nobody marked leader');
  await screenshot(page, 'cluster-no-leader');

  // The endpoint fails: the next poll says so and keeps the last answer.
  answer = { status: 503, body: { error: { code: 'storage_unavailable', message: 'the database cannot be reached' } } };
  await page.getByTestId('cluster-error').waitFor({ timeout: 15000 });
  const failed = await text('cluster-error');
  expect(failed.includes('Could not load the cluster: the database cannot be reached (HTTP 503)'), failed);
  expect(failed.includes('last answer'), 'says the list is the last answer: ' + failed);
  expect(await rows.count() === 3, 'the last answer stays');
  await screenshot(page, 'cluster-error');

  // An answer without "items": an error naming it, no table rows, no script error.
  answer = { status: 200, body: { replica: ID(2), leader: null, coordination: 'postgresql' } };
  await page.reload();
  await page.getByTestId('cluster-error').waitFor();
  expect((await text('cluster-error')).includes('no "items" array'), 'names items: ' + await text('cluster-error'));
  expect(await rows.count() === 0, 'no rows from an unusable answer');

  // A control plane without the route.
  answer = { status: 404, body: { error: { code: 'not_found', message: 'no such route' } } };
  await page.reload();
  await page.getByTestId('cluster-error').filter({ hasText: 'has no /api/v1/cluster' }).waitFor();

  // Back to the real answer: the error goes.
  await page.unroute('**/api/v1/cluster');
  await page.reload();
  await row(self.id).waitFor();
  expect(await page.getByTestId('cluster-error').count() === 0, 'the error is gone');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
