// A viewer sees every page but no control that would be refused: no create, edit, delete,
// rollback, cordon or token buttons, and a click on an empty map cell creates nothing.
import { apiClient, boxOf, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.viewer', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'watcher', role: 'viewer', password: PASSWORD });
  const registration = await api('POST', '/simulators/registration-tokens', {});
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim2.test', labels: ['hdd'], capacity: 4 });
  const estate = await api('POST', '/estates', { name: 'Outlands', owner: 'Grid Ops' });
  const template = await api('POST', '/templates', { name: 'Var', size_x: 512, size_y: 512 });
  const region = await api('POST', '/regions', { name: 'Gamma', estate_id: estate.id, template_id: template.id, loc_x: 2000, loc_y: 2000, host: 'sim2.test', port: 9000, placement: { simulator_id: sim.simulator_id } });
  await api('PATCH', '/regions/' + region.id, { flags: { max_agents: 10 } });

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  await login(page, server.base, 'watcher', PASSWORD);
  expect((await page.getByTestId('role').textContent()) === 'viewer', 'logged in as viewer');
  expect((await nav('Users').count()) === 0, 'no Users page for a viewer');
  const noButton = async (name) => expect((await page.getByRole('button', { name }).count()) === 0, `no "${name}" button for a viewer`);

  await page.getByTestId('stat-regions').waitFor();
  await screenshot(page, 'viewer-dashboard');

  await nav('Regions').click();
  await page.getByRole('link', { name: 'Gamma' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v1.0.1' }).waitFor();
  await page.getByRole('table', { name: 'Region history' }).getByRole('cell', { name: '1.0.0', exact: true }).waitFor();
  for (const name of ['Edit', 'Delete', 'Restart', 'Upgrade template', /Roll back/]) await noButton(name);
  await page.locator('.diff-box').getByText('flags.max_agents').waitFor();
  await screenshot(page, 'viewer-region');
  // The Snapshots tab: the list (or word that this control plane has none), nothing to take.
  await page.getByRole('tab', { name: 'Snapshots' }).click();
  await page.getByRole('tabpanel', { name: 'Snapshots' }).getByRole('heading', { name: 'Snapshots' }).waitFor();
  for (const name of ['Take snapshot', 'Restore', 'Delete']) await noButton(name);
  await screenshot(page, 'viewer-region-snapshots');
  await nav('Regions').click();
  await page.getByRole('heading', { name: 'Regions' }).waitFor();
  await noButton('+ New region');

  // The var region covers its whole 2×2 footprint; an empty cell only says it is empty.
  await nav('World map').click();
  const tile = page.locator('.tile[data-region="Gamma"]');
  const tileBox = await boxOf(tile);
  expect(Math.abs(tileBox.width - tileBox.height) < 1 && tileBox.width >= 2 * 12, 'a 512 m region is a 2×2 square of cells');
  const map = await boxOf(page.getByTestId('map'));
  await page.mouse.click(map.x + 10, map.y + 10);
  await page.locator('.map-details').getByText('No region here.').waitFor();
  expect((await page.getByRole('form', { name: 'Create region' }).count()) === 0, 'no create dialog for a viewer');
  await tile.click();
  await page.locator('.map-details').getByRole('heading', { name: 'Gamma' }).waitFor();
  await noButton('Edit');
  // Keyboard: an arrow pans by one cell, + zooms in.
  const before = await boxOf(tile);
  await page.getByTestId('map').focus();
  await page.keyboard.press('ArrowLeft');
  const panned = await boxOf(tile);
  expect(Math.abs(panned.x - before.x - before.width / 2) < 1.5, `ArrowLeft pans one cell (${before.x} → ${panned.x})`);
  await page.keyboard.press('+');
  const zoomed = await boxOf(tile);
  expect(zoomed.width > before.width * 1.2, 'the + key zooms in');
  await screenshot(page, 'viewer-map');

  await nav('Templates').click();
  await page.getByRole('link', { name: 'Var' }).waitFor();
  await noButton('+ New template');
  await nav('Estates').click();
  await page.getByRole('cell', { name: 'Outlands' }).waitFor();
  await noButton('+ New estate');
  await noButton('Edit');

  await nav('Simulators').click();
  await page.getByRole('cell', { name: /sim2\.test/ }).waitFor();
  for (const name of ['Cordon', 'Revoke', 'Rotate key', '+ Registration token']) await noButton(name);
  await screenshot(page, 'viewer-simulators');

  await nav('Operations').click();
  await page.locator('tr.op-row').filter({ hasText: 'create' }).waitFor();
  // The lazy change waits for its sync window, and says so.
  await page.locator('tr.op-row').filter({ hasText: 'lazy' }).getByText(/window in \d+ s/).waitFor();
  await screenshot(page, 'viewer-operations');
  await nav('Audit log').click();
  await page.getByRole('cell', { name: 'region.update' }).waitFor();
  await nav('Placement').click();
  await page.getByRole('heading', { name: 'Placement' }).waitFor();
  await noButton('Switch policy');
  await nav('Snapshots').click();
  await page.getByRole('heading', { name: 'Snapshots' }).waitFor();
  await nav('Plugins').click();
  await page.getByRole('table', { name: 'Plugins' }).waitFor();
  await screenshot(page, 'viewer-placement');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
