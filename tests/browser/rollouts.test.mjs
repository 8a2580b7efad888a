// Template rollouts in a real Chromium (docs/rollouts.md), the test playing the simulator through
// /api/v1/sim/* (register, pull, report): five regions of a template whose water height changed.
// On the template's page Roll out: a wave the API refuses shows beside Waves; the dry run shows
// the plan per region (canary first, wave, 1.0.0 → 1.1.0, minor, the fields, eager) and writes
// nothing; Start creates the rollout and opens its page, whose waves follow the simulator live:
// Pause (the canary's confirmation is recorded, the second wave does not start), Resume, then
// succeeded with no button left. A second rollout, started from the Rollouts page, is cancelled:
// its waiting regions are skipped. The Rollouts list shows both.
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const NAMES = ['Sand 01', 'Sand 02', 'Sand 03', 'Sand 04', 'Sand 05'];

await run('browser.rollouts', async (defer) => {
  // Any lazy change reaches the simulator at once rather than after a 60 s window.
  const server = await startControlPlane({ ini: '[sync.hybrid]\nwindow_s = 0\n' });
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'operator', password: PASSWORD });
  const estate = await api('POST', '/estates', { name: 'Main', owner: 'Grid Owner' });
  const registration = await api('POST', '/simulators/registration-tokens', {});
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim-a.test', capacity: 16 });
  const simulator = apiClient(server.base, sim.api_key);
  // The simulator takes what it was sent and reports every operation succeeded.
  const serve = async () => {
    const pulled = await simulator('GET', '/sim/operations?wait=0');
    for (const op of pulled.items) {
      await simulator('POST', `/sim/operations/${op.id}/result`, { state: 'succeeded', result: { path: 'test', detail: '' } });
    }
    return pulled.items.length;
  };
  // Serves until `count` operations were reported (at most 10 s).
  const serveUntil = async (count) => {
    let served = 0;
    for (let i = 0; i < 100 && served < count; i++) {
      served += await serve();
      if (served < count) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return served;
  };
  const tmpl = await api('POST', '/templates', { name: 'Sandbox', environment: { water_height: 20 } });
  for (const [i, name] of NAMES.entries()) {
    await api('POST', '/regions', { name, estate_id: estate.id, template_id: tmpl.id, loc_x: 1000 + i, loc_y: 1000, placement: { simulator_id: sim.simulator_id } });
  }
  expect(await serveUntil(NAMES.length) === NAMES.length, 'the simulator made the five regions');
  const changed = await api('PATCH', '/templates/' + tmpl.id, { environment: { water_height: 35 } });
  expect(changed.version === '1.0.1', 'the template is at 1.0.1: ' + changed.version);

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  await login(page, server.base, 'ops', PASSWORD);

  // Roll out from the template's page: a refused wave lands beside Waves.
  await nav('Templates').click();
  await page.getByRole('link', { name: 'Sandbox', exact: true }).click();
  await page.getByRole('button', { name: 'Roll out', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll out Sandbox' });
  const form = dialog.getByRole('form', { name: 'Roll out Sandbox' });
  expect(await form.getByLabel('To version').inputValue() === '1.0.1', 'the current version is offered first');
  await form.getByLabel('Waves', { exact: true }).fill('0, 100%');
  await form.getByRole('button', { name: 'Dry run' }).click();
  await form.locator('.field[data-field="waves"] .field-error').filter({ hasText: 'at least 1' }).waitFor();

  // The dry run: the canary first, alone in wave 1; every region 1.0.0 → 1.1.0; nothing written.
  await form.getByLabel('Waves', { exact: true }).fill('1, 100%');
  await form.getByLabel('Canaries').fill('Sand 03');
  await form.getByRole('button', { name: 'Dry run' }).click();
  const plan = dialog.getByRole('table', { name: 'Rollout plan' });
  await plan.waitFor();
  const rows = plan.locator('tbody tr');
  expect(await rows.count() === 5, 'five regions planned');
  const first = await rows.first().textContent();
  expect(first.startsWith('Sand 031') && first.includes('1.0.0 → 1.1.0') && first.includes('minor') && first.includes('environment.water_height: 20 → 35') && first.includes('eager'),
    'the canary first, in wave 1, its version, bump, field and delivery: ' + first);
  expect((await rows.nth(1).textContent()).startsWith('Sand 012'), 'then the others in wave 2');
  await dialog.getByText('Plan: 5 regions in 2 waves to 1.0.1 — nothing written').waitFor();
  expect((await api('GET', '/rollouts')).items.length === 0, 'the dry run wrote nothing');
  await screenshot(page, 'rollout-dry-run');

  // Start: the rollout's page, the canary upgrading, wave 2 waiting.
  await form.getByRole('button', { name: 'Start' }).click();
  await page.waitForURL(/\/rollouts\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop();
  const state = page.getByTestId('rollout-state');
  const wave = (n) => page.locator(`[data-testid=wave][data-wave="${n}"]`);
  await state.filter({ hasText: 'running' }).waitFor();
  await wave(1).getByTestId('wave-counts').filter({ hasText: '0/1 upgraded · 1 upgrading' }).waitFor();
  await wave(2).getByTestId('wave-counts').filter({ hasText: '0/4 upgraded · 4 waiting' }).waitFor();
  await page.getByRole('meter', { name: 'Wave 2 progress' }).waitFor();
  await page.getByRole('table', { name: 'Rollout regions' }).locator('tr[data-region="Sand 03"][data-state="upgrading"]').waitFor();
  expect(await page.getByRole('button', { name: 'Resume' }).count() === 0, 'no Resume while running');

  // Pause: the canary's confirmation is recorded, the second wave does not start.
  await page.getByRole('button', { name: 'Pause' }).click();
  await state.filter({ hasText: 'paused' }).waitFor();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  expect(await page.getByRole('button', { name: 'Pause' }).count() === 0, 'no Pause while paused');
  expect(await serveUntil(1) === 1, 'one upgrade was sent: the canary');
  await wave(1).getByTestId('wave-counts').filter({ hasText: '1/1 upgraded' }).waitFor();
  await wave(1).locator('.badge').filter({ hasText: 'done' }).waitFor();
  expect((await wave(2).getByTestId('wave-counts').textContent()) === '0/4 upgraded · 4 waiting', 'wave 2 waits while paused');
  expect((await api('GET', '/rollouts/' + id)).state === 'paused', 'paused in the API');
  await screenshot(page, 'rollout-paused');

  // Resume: wave 2 starts; the simulator confirms; succeeded, shown live, no button left.
  await page.getByRole('button', { name: 'Resume' }).click();
  await state.filter({ hasText: 'running' }).waitFor();
  await wave(2).getByTestId('wave-counts').filter({ hasText: '4 upgrading' }).waitFor();
  expect(await serveUntil(4) === 4, 'four upgrades were sent');
  await state.filter({ hasText: 'succeeded' }).waitFor();
  await wave(2).getByTestId('wave-counts').filter({ hasText: '4/4 upgraded' }).waitFor();
  await page.getByTestId('rollout-counts').filter({ hasText: '5/5 upgraded' }).waitFor();
  expect(await page.locator('.page-head .toolbar button').count() === 0, 'no Pause, Resume or Cancel once succeeded');
  for (const r of (await api('GET', '/regions')).items) {
    expect(r.version === '1.1.0' && r.template_version === '1.0.1', `${r.name} upgraded: ${r.version} ${r.template_version}`);
  }
  await screenshot(page, 'rollout-succeeded');

  // A second rollout from the Rollouts page, cancelled: the waiting regions are skipped.
  await api('PATCH', '/templates/' + tmpl.id, { environment: { water_height: 40 } });
  await nav('Rollouts').click();
  await page.getByRole('button', { name: 'Roll out…' }).click();
  const again = page.getByRole('form', { name: 'Roll out Sandbox' });
  expect(await again.getByLabel('To version').inputValue() === '1.0.2', 'the new version is offered first');
  await again.getByLabel('Waves', { exact: true }).fill('1, 100%');
  await again.getByRole('button', { name: 'Start' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/rollouts/') && !url.pathname.endsWith(id));
  await state.filter({ hasText: 'running' }).waitFor();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByRole('dialog', { name: 'Cancel rollout' }).getByRole('button', { name: 'Cancel rollout' }).click();
  await state.filter({ hasText: 'cancelled' }).waitFor();
  await wave(2).getByTestId('wave-counts').filter({ hasText: '4 skipped' }).waitFor();
  await page.getByTestId('rollout-error').filter({ hasText: 'cancelled by' }).waitFor();
  expect(await page.locator('.page-head .toolbar button').count() === 0, 'no button once cancelled');
  await screenshot(page, 'rollout-cancelled');

  // The list: both, newest first, with their progress.
  await nav('Rollouts').click();
  const list = page.getByRole('table', { name: 'Rollouts' });
  await list.locator('tbody tr').nth(1).waitFor();
  const newest = await list.locator('tbody tr').first().textContent();
  const oldest = await list.locator('tbody tr').nth(1).textContent();
  expect(newest.includes('Sandbox') && newest.includes('1.0.2') && newest.includes('cancelled') && newest.includes('4 skipped'), 'the cancelled one first: ' + newest);
  expect(oldest.includes('1.0.1') && oldest.includes('succeeded') && oldest.includes('2 of 2') && oldest.includes('5/5 upgraded'), 'then the succeeded one: ' + oldest);
  await screenshot(page, 'rollouts-list');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
