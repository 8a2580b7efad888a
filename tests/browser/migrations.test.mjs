// Issue 13 in a real Chromium against a real control plane (no bridge: the moves wait at their
// first step, which is what lets the test watch them): a region's Move dialog with the policy's
// choice and warm, the move's state and step live until Cancel move ends it; the placement
// page's rebalance dry run listing its moves while nothing moves; an executed drain of three
// regions one at a time with its progress (done / failed / left) and Cancel batch; the five newest
// batches on the Migrations page, and the older ones on request.
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.migrations', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  const register = async (hostname) => {
    const registration = await api('POST', '/simulators/registration-tokens', {});
    return (await api('POST', '/sim/register', { token: registration.token, hostname, capacity: 4 })).simulator_id;
  };
  const a = await register('sim-a.test');
  const estate = await api('POST', '/estates', { name: 'Main', owner: 'Grid Owner' });
  const regions = {};
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    regions[name] = (await api('POST', '/regions', { name, estate_id: estate.id, placement: { simulator_id: a } })).id;
  }
  const b = await register('sim-b.test');

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  await login(page, server.base, 'ops', PASSWORD);

  // Move: the policy chooses, warm; the dialog follows the move, then Cancel move ends it.
  await page.goto(server.base + '/regions/' + regions.Alpha);
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  const move = page.getByRole('dialog', { name: 'Move region Alpha' });
  await move.getByLabel('Target simulator').waitFor();
  expect((await move.getByLabel('Target simulator').inputValue()) === '', 'the policy chooses by default');
  await move.getByLabel(/^Warm/).check();
  await move.getByRole('button', { name: 'Move', exact: true }).click();
  const summary = move.getByTestId('migration-summary');
  await summary.filter({ hasText: 'running' }).waitFor();
  await move.getByTestId('migration-step').filter({ hasText: 'check_agents' }).waitFor();
  await move.getByRole('table', { name: 'Steps' }).locator('tr[data-step="switch_over"]').waitFor();
  const started = (await api('GET', '/migrations?region_id=' + regions.Alpha)).items;
  expect(started.length === 1 && started[0].target_simulator_id === b && started[0].options.warm === true,
    'one warm move of Alpha to sim-b: ' + JSON.stringify(started));
  await screenshot(page, 'move-dialog-running');
  await move.getByRole('button', { name: 'Cancel move' }).click();
  await summary.filter({ hasText: /cancelled|rolling_back/ }).waitFor();
  await move.getByRole('button', { name: 'Cancel move' }).waitFor({ state: 'hidden' });
  await screenshot(page, 'move-dialog-cancelled');
  await move.getByRole('button', { name: 'Close', exact: true }).last().click();

  // Rebalance: sim-a holds three regions of four, sim-b none; the dry run lists moves, nothing moves.
  await nav('Placement').click();
  const rebalance = page.getByRole('form', { name: 'Rebalance' });
  await rebalance.getByRole('button', { name: 'Plan rebalance (dry run)' }).click();
  const plan = page.getByRole('table', { name: 'Rebalance plan' });
  await plan.waitFor();
  const rows = await plan.locator('tbody tr').count();
  expect(rows >= 1, 'the dry run plans at least one move');
  await plan.locator('tbody tr').first().filter({ hasText: 'sim-a.test' }).filter({ hasText: 'sim-b.test' }).waitFor();
  expect((await api('GET', '/migrations')).items.length === 1, 'a dry run moves nothing');
  await screenshot(page, 'rebalance-dry-run');

  // Drain, executed one move at a time: progress, then Cancel batch stops the queued ones.
  await nav('Simulators').click();
  await page.getByRole('table', { name: 'Simulators' }).locator('tr', { hasText: 'sim-a.test' }).getByRole('button', { name: 'Drain' }).click();
  const drain = page.getByRole('dialog', { name: 'Drain sim-a.test' });
  await drain.getByLabel(/^Execute/).check();
  await drain.getByLabel('Moves at once').fill('0');
  await drain.getByRole('button', { name: 'Drain', exact: true }).click();
  await drain.locator('.field-error').filter({ hasText: 'Between 1 and 16.' }).waitFor();
  await drain.getByLabel('Moves at once').fill('1');
  await drain.getByRole('button', { name: 'Drain', exact: true }).click();
  const counts = drain.getByTestId('batch-counts');
  await counts.filter({ hasText: '0 done · 0 failed · 0 cancelled · 3 left of 3' }).waitFor();
  await drain.getByRole('meter', { name: 'Batch progress' }).waitFor();
  await screenshot(page, 'drain-progress');
  await drain.getByRole('button', { name: 'Cancel batch' }).click();
  await drain.getByTestId('batch-progress').filter({ hasText: 'cancelled' }).waitFor();
  await drain.getByRole('button', { name: 'Cancel batch' }).waitFor({ state: 'hidden' });
  const [batch] = (await api('GET', '/migration-batches?simulator_id=' + a)).items;
  expect(batch.state === 'cancelled' && batch.progress.running === 1 && batch.migrations.filter((m) => m.state === 'cancelled').length === 2,
    'the queued moves were cancelled, the running one goes on: ' + JSON.stringify(batch.progress));
  await screenshot(page, 'drain-cancelled');

  // The Migrations page lists them; a row opens its steps.
  await drain.getByRole('button', { name: 'Close', exact: true }).last().click();
  await nav('Migrations').click();
  const table = page.getByRole('table', { name: 'Migrations' });
  await table.locator('tbody tr', { hasText: 'Alpha' }).first().waitFor();
  await table.locator('tbody tr.op-row').first().click();
  await table.getByRole('table', { name: 'Steps' }).first().waitFor();
  await screenshot(page, 'migrations-page');

  // Seven batches: the page shows the five newest, and Show older batches the rest.
  for (const n of [1, 2, 3, 4, 5, 6]) {
    const host = await register(`sim-d${n}.test`);
    await api('POST', '/regions', { name: `Drained ${n}`, estate_id: estate.id, placement: { simulator_id: host } });
    await api('POST', `/simulators/${host}/drain`, { execute: true });
  }
  const shown = (n) => page.waitForFunction((count) =>
    document.querySelectorAll('[aria-label="Batches"] > li').length === count, n);
  await shown(5);
  await page.getByRole('button', { name: 'Show older batches' }).click();
  await shown(7);
  await page.getByRole('button', { name: 'Show older batches' }).waitFor({ state: 'hidden' });
  await screenshot(page, 'migrations-older-batches');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
