// The operator's main flow in a real Chromium: log in, create an estate and a template, create a
// region by clicking the world map (pinned to a registered simulator, so an operation is
// queued), see the operation, edit the region and see the version bump with its change classes,
// roll back, delete; then the other pages (plugins too), each saved as a screenshot.
import { ADMIN_TOKEN, apiClient, boxOf, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.main_flow', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  // A simulator to pin the region to: registered and heartbeating, as a bridge would.
  const registration = await api('POST', '/simulators/registration-tokens', { labels: ['ssd'] });
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim1.test', labels: ['ssd', 'zone=a'], capacity: 8 });
  await apiClient(server.base, sim.api_key)('POST', '/sim/heartbeat', { cpu_load: 0.35, memory_load: 0.6, regions: [] });

  // With the snapshot routes (issue 19) regions have a lifecycle: this one is made ephemeral, so
  // its delete is immediate (the snapshots test covers the persistent delete).
  const routes = await api('GET', '/routes');
  const hasSnapshots = routes.items.some((r) => r.pattern === '/api/v1/regions/{id}/snapshots');

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  // Log in: a wrong password is refused in the form, the right one opens the dashboard.
  await page.goto(server.base + '/regions');
  await page.waitForURL(/\/login\?next=%2Fregions/);
  await screenshot(page, 'login');
  await page.getByLabel('User name').fill('ops');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('wrong user name or password').waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/regions$/);
  await page.getByRole('heading', { name: 'Regions' }).waitFor();
  expect((await page.getByTestId('role').textContent()) === 'admin', 'logged in as admin');

  // Estate: the client check first (empty name), then the real thing.
  await nav('Estates').click();
  await page.getByRole('button', { name: '+ New estate' }).click();
  const estateForm = page.getByRole('form', { name: 'New estate' });
  await estateForm.getByRole('button', { name: 'Create estate' }).click();
  await estateForm.getByText('A name of 1 to 64 characters.').waitFor();
  await estateForm.getByLabel('Name').fill('Mainland');
  await estateForm.getByLabel('Owner').fill('Grid Ops');
  await estateForm.getByRole('button', { name: 'Create estate' }).click();
  await page.getByRole('cell', { name: 'Mainland' }).waitFor();
  await screenshot(page, 'estates');

  // Template, then a second version of it with its diff.
  await nav('Templates').click();
  await page.getByRole('button', { name: '+ New template' }).click();
  const templateForm = page.getByRole('form', { name: 'New template' });
  await templateForm.getByLabel('Name').fill('Standard');
  await templateForm.getByLabel('Size X (m)').fill('300');
  await templateForm.getByRole('button', { name: 'Create template' }).click();
  await templateForm.getByText('A multiple of 256 from 256 to 8192.').waitFor();
  await templateForm.getByLabel('Size X (m)').fill('256');
  await templateForm.getByRole('button', { name: 'Create template' }).click();
  await page.getByRole('heading', { name: /Standard v1\.0\.0/ }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('form', { name: 'Edit template' }).getByLabel('Max agents').fill('60');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('heading', { name: /Standard v1\.0\.1/ }).waitFor();
  await page.locator('table.diff').getByText('flags.max_agents').waitFor();
  await screenshot(page, 'template');

  // The map: click the empty cell in the middle (1000, 1000 on an empty grid), create there.
  await nav('World map').click();
  const map = page.getByTestId('map');
  const box = await boxOf(map);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const createForm = page.getByRole('form', { name: 'Create region' });
  await createForm.waitFor();
  expect((await createForm.getByLabel('Grid X').inputValue()) === '1000', 'the clicked cell fills Grid X');
  expect((await createForm.getByLabel('Grid Y').inputValue()) === '1000', 'the clicked cell fills Grid Y');
  await createForm.getByLabel('Pin to simulator').selectOption({ label: 'sim1.test (online)' });
  if (hasSnapshots) await createForm.getByLabel('Lifecycle').selectOption('ephemeral');
  await createForm.getByRole('button', { name: 'Create region' }).click();
  await createForm.getByText('A name of 1 to 64 characters.').waitFor();
  await createForm.getByLabel('Name', { exact: true }).fill('Alpha');
  await createForm.getByRole('button', { name: 'Create region' }).click();
  const tile = page.locator('.tile[data-region="Alpha"]');
  await tile.waitFor();
  expect(await tile.evaluate((t) => t.classList.contains('tile-pending')), 'a pinned new region waits for its operation');
  await page.locator('.map-details').getByRole('heading', { name: 'Alpha' }).waitFor();
  await screenshot(page, 'map');

  // A second region on the same cell: the API's overlap error shows beside Grid X.
  await page.mouse.click(box.x + box.width / 2 + 60, box.y + box.height / 2);
  const second = page.getByRole('form', { name: 'Create region' });
  await second.getByLabel('Name', { exact: true }).fill('Beta');
  await second.getByLabel('Grid X').fill('1000');
  await second.getByRole('button', { name: 'Create region' }).click();
  const gridXError = second.locator('.field[data-field="loc_x"] .field-error');
  await gridXError.filter({ hasText: /overlap/i }).waitFor();
  await screenshot(page, 'field-error');
  await page.keyboard.press('Escape');

  // Its operation is queued for the simulator.
  await nav('Operations').click();
  const createOp = page.locator('tr.op-row', { hasText: 'Alpha' }).filter({ hasText: 'create' });
  await createOp.waitFor();
  expect(await createOp.getByText('pending').isVisible(), 'the create operation is pending');
  await screenshot(page, 'operations');
  // The simulator takes it and reports success; the page shows it without a reload.
  const simulator = apiClient(server.base, sim.api_key);
  const delivered = await simulator('GET', '/sim/operations?wait=0');
  const op = (delivered.items || delivered.operations || []).find((o) => o.kind === 'create');
  expect(op, 'the simulator receives the create operation: ' + JSON.stringify(delivered));
  await simulator('POST', `/sim/operations/${op.id}/result`, { state: 'succeeded' });
  await createOp.getByText('succeeded').waitFor();

  // Regions: search, open, edit with change classes, version bump.
  await nav('Regions').click();
  await page.getByLabel('Search regions').fill('alp');
  await page.getByRole('link', { name: 'Alpha' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v1.0.0' }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  const editForm = page.getByRole('form', { name: 'Edit region' });
  await editForm.getByLabel('Max agents').fill('50');
  await editForm.getByLabel('Physics').selectOption('ubODE');
  await editForm.getByLabel('State mode').selectOption('full');
  expect(await editForm.locator('fieldset.state-parts').isHidden(), 'state_parts only for the hybrid mode');
  const preview = editForm.locator('.change-preview');
  await preview.locator('tr', { hasText: 'flags.max_agents' }).filter({ hasText: 'patch' }).filter({ hasText: 'lazy' }).waitFor();
  await preview.locator('tr', { hasText: 'physics_type' }).filter({ hasText: 'major' }).filter({ hasText: 'eager' }).waitFor();
  await preview.locator('tr', { hasText: 'region_state_mode' }).filter({ hasText: 'minor' }).filter({ hasText: 'eager' }).waitFor();
  await screenshot(page, 'region-edit');
  await editForm.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v2.0.0' }).waitFor();
  await page.locator('.last-changes').getByText('physics_type').waitFor();
  await page.locator('.diff-box').getByText('physics_type').waitFor();
  await screenshot(page, 'region');

  // Roll back to 1.0.0: a new version (3.0.0) whose spec is 1.0.0's.
  await page.getByRole('button', { name: 'Roll back to 1.0.0' }).click();
  await page.getByRole('dialog', { name: 'Roll back' }).getByRole('button', { name: 'Roll back' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v3.0.0' }).waitFor();
  await page.getByRole('cell', { name: 'rollback' }).waitFor();
  expect((await page.locator('.kv').getByText('BulletSim').count()) === 1, 'the physics is back to BulletSim');

  // Delete with confirmation.
  await page.getByRole('button', { name: 'Delete' }).click();
  if (hasSnapshots) await page.getByRole('dialog', { name: 'Delete region' }).getByText('It is ephemeral: nothing of its state is kept').waitFor();
  await page.getByRole('dialog', { name: 'Delete region' }).getByRole('button', { name: 'Delete region' }).click();
  await page.waitForURL(/\/regions$/);
  await page.getByText('No regions yet.').waitFor();
  const regions = await api('GET', '/regions');
  expect(regions.items.length === 0, 'the region is gone from the API too');
  await nav('Operations').click();
  await page.locator('tr.op-row').filter({ hasText: 'delete' }).first().waitFor();

  // The other pages.
  await nav('Simulators').click();
  await page.getByRole('cell', { name: /sim1\.test/ }).waitFor();
  await page.getByRole('button', { name: '+ Registration token' }).click();
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByTestId('secret').textContent();
  expect(secret.length > 20, 'the registration token is shown once');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Cordon' }).click();
  await page.locator('.badge', { hasText: 'cordoned' }).waitFor();
  await screenshot(page, 'simulators');
  await page.getByRole('button', { name: 'Rotate key' }).click();
  await page.getByRole('dialog', { name: 'Rotate key' }).getByRole('button', { name: 'Rotate' }).click();
  const newKey = await page.getByTestId('secret').textContent();
  expect(newKey.startsWith('vgs_') && newKey !== sim.api_key, 'the new simulator key is shown once');
  await page.getByRole('button', { name: 'Done' }).click();
  await apiClient(server.base, newKey)('POST', '/sim/heartbeat', { cpu_load: 0.1, memory_load: 0.2, regions: [] });
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: 'Revoke simulator' }).getByRole('button', { name: 'Revoke' }).click();
  await page.locator('.badge', { hasText: 'revoked' }).waitFor();
  expect((await page.getByRole('button', { name: 'Cordon' }).count()) === 0, 'a revoked simulator offers no actions');

  await nav('Audit log').click();
  await page.getByRole('cell', { name: 'region.delete' }).waitFor();
  await page.getByLabel('Action').fill('region.rollback');
  await page.getByRole('cell', { name: 'region.delete' }).waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'region.rollback' }).waitFor();
  await screenshot(page, 'audit');

  // Placement: the dry run when this control plane has the placement routes, else the notice.
  await nav('Placement').click();
  await page.getByRole('heading', { name: 'Placement' }).waitFor();
  const hasPlacement = (await fetch(server.base + '/api/v1/placement/policy', { headers: { Authorization: 'Bearer ' + ADMIN_TOKEN } })).status === 200;
  if (hasPlacement) {
    await page.getByTestId('active-policy').waitFor();
    const plan = page.getByRole('form', { name: 'Placement dry run' });
    await plan.getByLabel('Size (m)').selectOption('256');
    await plan.getByRole('button', { name: 'Plan (dry run)' }).click();
    await page.locator('.placement-ok, .placement-refused').first().waitFor();
  } else {
    await page.getByText('does not offer placement yet').waitFor();
  }
  await screenshot(page, 'placement');

  await nav('Plugins').click();
  await page.getByRole('table', { name: 'Plugins' }).waitFor();
  await screenshot(page, 'plugins');

  await nav('Dashboard').click();
  await page.getByTestId('stat-simulators-online').waitFor();
  await screenshot(page, 'dashboard');

  // Users: the API's password rule shows beside the password field; then a new operator.
  await nav('Users').click();
  await page.getByRole('button', { name: '+ New user' }).click();
  const userForm = page.getByRole('form', { name: 'New user' });
  await userForm.getByLabel('User name').fill('olga');
  await userForm.getByLabel('Password').fill('short');
  await userForm.getByRole('button', { name: 'Create user' }).click();
  await userForm.locator('.field[data-field="password"] .field-error').filter({ hasText: /characters/ }).waitFor();
  await userForm.getByLabel('Password').fill(PASSWORD);
  await userForm.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('cell', { name: 'olga' }).waitFor();
  await screenshot(page, 'users');

  // Log out: the console is back at the login page and the API refuses the old cookie.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
