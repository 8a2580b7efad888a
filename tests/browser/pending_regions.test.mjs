// Pending regions in a real Chromium (docs/api.md, "Pending regions"): a region created while no
// simulator is registered is pending; the dashboard counts it and names it, the map marks its
// tile apart, the region page gives the reasons; once a simulator registers the control plane
// places it (the placer is woken by the registration) and the console shows it placed.
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.pending_regions', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  const estate = await api('POST', '/estates', { name: 'Mainland', owner: 'Grid Ops' });
  const region = await api('POST', '/regions', { name: 'Early Bird', estate_id: estate.id, loc_x: 1000, loc_y: 1000 });
  expect(region.placement_state === 'pending', 'created pending: ' + JSON.stringify(region));
  expect(Array.isArray(region.placement_reasons) && region.placement_reasons.length > 0, 'with its reasons');
  const listed = await api('GET', '/regions?placement_state=pending');
  expect(listed.items.length === 1 && listed.items[0].id === region.id, 'the pending filter lists it');

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  await login(page, server.base, 'ops', PASSWORD);

  await page.goto(server.base + '/');
  const stat = page.getByTestId('stat-pending-regions');
  await stat.waitFor();
  expect((await stat.locator('.num').textContent()) === '1', 'the dashboard counts one pending region');
  await page.getByTestId('placement-pending').getByRole('link', { name: 'Early Bird' }).waitFor();
  await screenshot(page, 'pending-dashboard');

  await page.goto(server.base + '/map');
  await page.locator('.tile.tile-placement-pending[data-region="Early Bird"]').waitFor();
  await screenshot(page, 'pending-map');

  await page.goto(server.base + '/regions/' + region.id);
  const banner = page.getByTestId('placement-pending');
  await banner.waitFor();
  expect((await banner.textContent()).includes(region.placement_reasons[0]), 'the region page gives the reasons');
  expect((await page.getByTestId('placement-state').textContent()) === 'pending', 'placement_state pending');
  await screenshot(page, 'pending-region');

  // A simulator registers: the region is placed on it without anyone asking.
  const registration = await api('POST', '/simulators/registration-tokens', {});
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim1.test', capacity: 8 });
  let placed = null;
  for (let i = 0; i < 100 && !placed; i++) {
    const now = await api('GET', '/regions/' + region.id);
    if (now.placement_state === 'placed') placed = now;
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(placed !== null, 'placed once a simulator registered');
  expect(placed.placement.simulator_id === sim.simulator_id || placed.placement.simulator_id === sim.id, 'on that simulator: ' + JSON.stringify(placed.placement));
  await page.reload();
  await page.getByTestId('placement-state').filter({ hasText: 'placed' }).waitFor();
  expect(await page.getByTestId('placement-pending').count() === 0, 'no pending banner once placed');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
