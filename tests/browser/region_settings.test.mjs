// Issue 12 in a real Chromium against a real control plane, the test acting as the simulator's
// bridge: the region page shows every simulator-facing field of GET /api/v1/region-settings with
// its value and how it applies (live / on-restart / unsupported, the API's words), the fields in
// the region's pending_restart as pending-restart with "Restart region to apply", the edit
// form's "apply on-restart changes now" ("restart": true → the operation's apply_restart), each
// operation's per-field outcome (applied / applied-on-restart / pending-restart / unsupported /
// failed with its reason) in the operation view; an estate owner the API refuses shows the API's
// message beside the field; a simulator's state_detail shows on the list and its page and goes
// when the bridge clears it.
import { ADMIN_TOKEN, apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const STALLED = 'console question "Estate owner first name [Test]:" — set [Estates] DefaultEstateOwnerUUID (and DefaultEstateOwnerName) in OpenSim.ini';

await run('browser.region_settings', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  await api('POST', '/users', { name: 'watcher', role: 'viewer', password: PASSWORD });
  const registration = await api('POST', '/simulators/registration-tokens', {});
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim1.test', capacity: 8 });
  const simulator = apiClient(server.base, sim.api_key);
  let detail = STALLED;
  const beat = () => simulator('POST', '/sim/heartbeat', { cpu_load: 0.2, memory_load: 0.3, regions: [], state_detail: detail });
  await beat();
  const beating = setInterval(() => beat().catch(() => {}), 15000);
  defer(() => clearInterval(beating));

  const { fields } = await api('GET', '/region-settings');
  expect(Array.isArray(fields) && fields.length > 0, 'the API lists the region settings: ' + JSON.stringify(fields));
  const applicationOf = Object.fromEntries(fields.map((f) => [f.path, f.application]));
  // The rows this test changes: two that apply on restart, two live ones.
  const used = { 'flags.max_prims': 'on-restart', 'flags.allow_flying': 'on-restart', 'flags.max_agents': 'live', 'environment.water_height': 'live', loc_x: 'live' };
  for (const [path, application] of Object.entries(used)) {
    expect(applicationOf[path] === application, `${path} applies ${application}: ` + JSON.stringify(applicationOf));
  }

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  await login(page, server.base, 'ops', PASSWORD);

  // The simulator is stuck on a console question: the dashboard, the list and its page say so in
  // its words.
  await page.getByRole('alert').and(page.getByTestId('state-detail')).filter({ hasText: 'sim1.test' }).filter({ hasText: STALLED }).waitFor();
  await nav('Simulators').click();
  const simRow = page.getByRole('table', { name: 'Simulators' }).locator('tr', { hasText: 'sim1.test' });
  await simRow.getByTestId('state-detail').filter({ hasText: STALLED }).waitFor();
  await screenshot(page, 'simulators-state-detail');
  await simRow.getByRole('link', { name: 'sim1.test' }).click();
  await page.waitForURL(new RegExp('/simulators/' + sim.simulator_id + '$'));
  const banner = page.getByRole('alert').and(page.getByTestId('state-detail'));
  await banner.filter({ hasText: STALLED }).waitFor();
  await screenshot(page, 'simulator-page');
  // Fixed: the bridge's next heartbeat clears it, and the page (polling) drops the notice.
  detail = '';
  await beat();
  expect((await api('GET', '/simulators/' + sim.simulator_id)).state_detail === '', 'the API clears state_detail');
  await banner.waitFor({ state: 'detached' });

  // An estate owner the API refuses: its own message beside the Owner field.
  const refused = await fetch(server.base + '/api/v1/estates', {
    method: 'POST', headers: { Authorization: 'Bearer ' + ADMIN_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Probe', owner: 'Nobody' }) });
  const refusal = (await refused.json()).error;
  expect(refused.status === 400 && refusal.field === 'owner', 'a one-word owner is refused naming owner: ' + JSON.stringify(refusal));
  await nav('Estates').click();
  await page.getByRole('button', { name: '+ New estate' }).click();
  const estateForm = page.getByRole('form', { name: 'New estate' });
  await estateForm.getByLabel('Name').fill('Mainland');
  await estateForm.getByLabel('Owner').fill('Nobody');
  await estateForm.getByRole('button', { name: 'Create estate' }).click();
  const ownerError = estateForm.locator('.field[data-field="owner"] .field-error');
  await ownerError.filter({ hasText: refusal.message }).waitFor();
  await estateForm.getByText('"First Last"').first().waitFor();
  await screenshot(page, 'estate-owner-refused');
  await estateForm.getByLabel('Owner').fill('Grid Ops');
  await estateForm.getByRole('button', { name: 'Create estate' }).click();
  await page.getByRole('cell', { name: 'Grid Ops' }).waitFor();
  const estate = (await api('GET', '/estates')).items.find((e) => e.name === 'Mainland');

  // A region on the simulator; the bridge creates it and reports every field it set.
  const region = await api('POST', '/regions', { name: 'Harbor', estate_id: estate.id, loc_x: 1000, loc_y: 1000, size_x: 256, size_y: 256,
    host: 'sim1.test', port: 9000, placement: { simulator_id: sim.simulator_id } });
  expect(Array.isArray(region.pending_restart) && region.pending_restart.length === 0, 'a new region has nothing pending: ' + JSON.stringify(region.pending_restart));
  const take = async (kind) => {
    const pulled = await simulator('GET', '/sim/operations?wait=0');
    const op = (pulled.items || []).find((o) => o.kind === kind && o.region_id === region.id);
    expect(op, `the simulator receives a ${kind} operation: ` + JSON.stringify(pulled));
    return op;
  };
  const finish = (op, state, result) => simulator('POST', `/sim/operations/${op.id}/result`, { state, result });
  const valueAt = (r, path) => path.split('.').reduce((n, k) => (n == null ? n : n[k]), r);
  const created = {};
  for (const f of fields) {
    created[f.path] = f.application === 'unsupported'
      ? { status: 'unsupported', mechanism: f.mechanism, value: null, reason: 'OpenSim 0.9.2.2 has no way to set it' }
      : { status: f.application === 'live' ? 'applied' : 'applied-on-restart', mechanism: f.mechanism, value: valueAt(region, f.path) ?? null };
  }
  await finish(await take('create'), 'succeeded', { fields: created });

  // Every field of the table: its value, the API's word for how it applies, its last outcome.
  await page.goto(server.base + '/regions/' + region.id);
  const settings = page.getByRole('table', { name: 'Region settings' });
  await settings.waitFor();
  const rows = settings.locator('tr.setting-row');
  expect((await rows.count()) === fields.length, `one row per field: ${await rows.count()} of ${fields.length}`);
  for (const f of fields) {
    const row = settings.locator(`tr.setting-row[data-path="${f.path}"]`);
    const cells = await row.locator('td').allTextContents();
    expect(cells[0] === f.path, `${f.path}: the path (${cells[0]})`);
    expect(cells[2] === f.application, `${f.path}: applies "${f.application}" (shown: "${cells[2]}")`);
    expect(cells[3].startsWith(created[f.path].status), `${f.path}: status ${created[f.path].status} (shown: "${cells[3]}")`);
    expect(cells[4] === f.mechanism, `${f.path}: the mechanism (${cells[4]})`);
    const value = valueAt(region, f.path);
    if (f.path !== 'estate_id' && value !== undefined) {
      const text = value === null ? 'null' : typeof value === 'string' ? value : JSON.stringify(value);
      expect(cells[1] === text, `${f.path}: the value ${text} (shown: "${cells[1]}")`);
    }
  }
  expect((await settings.locator('tr[data-path="estate_id"] td').nth(1).textContent()) === 'Mainland', 'the estate by its name');
  expect((await page.getByTestId('pending-restart').count()) === 0, 'nothing pending yet');

  // Edit: an on-restart field and live ones (the grid move makes it eager: the lazy flags ride
  // along). The preview says how each applies; saved without "apply now", the on-restart one
  // waits: pending-restart.
  await page.getByRole('button', { name: 'Edit' }).click();
  let edit = page.getByRole('form', { name: 'Edit region' });
  await edit.getByLabel('Grid X').fill('1001');
  await edit.getByLabel('Max prims').fill('20000');
  await edit.getByLabel('Max agents').fill('30');
  const preview = edit.locator('.change-preview');
  await preview.locator('tr', { hasText: 'flags.max_prims' }).locator('[data-application="on-restart"]').waitFor();
  await preview.locator('tr', { hasText: 'flags.max_agents' }).locator('[data-application="live"]').waitFor();
  await preview.locator('tr', { hasText: 'loc_x' }).locator('[data-application="live"]').waitFor();
  await edit.getByTestId('restart-hint').filter({ hasText: 'flags.max_prims applies on restart' }).waitFor();
  expect(!(await edit.getByLabel('Apply on-restart changes now').isChecked()), '"apply now" starts unticked');
  await screenshot(page, 'region-edit-applies');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v1.1.0' }).waitFor();
  const update = await take('update');
  expect(!update.spec.apply_restart, 'without "apply now" no apply_restart: ' + JSON.stringify(update.spec));
  await finish(update, 'succeeded', { fields: {
    loc_x: { status: 'applied', mechanism: created.loc_x.mechanism, value: 1001 },
    'flags.max_prims': { status: 'pending-restart', mechanism: created['flags.max_prims'].mechanism, value: 15000, reason: 'applies when the region restarts' },
    'flags.max_agents': { status: 'applied', mechanism: created['flags.max_agents'].mechanism, value: 30 },
  } });
  const after = await api('GET', '/regions/' + region.id);
  expect(JSON.stringify(after.pending_restart) === '["flags.max_prims"]', 'the API: flags.max_prims pending: ' + JSON.stringify(after.pending_restart));
  // The page follows without a reload: the notice, the action, the row's status.
  const pending = page.getByTestId('pending-restart');
  await pending.filter({ hasText: 'flags.max_prims' }).waitFor();
  await settings.locator('tr[data-path="flags.max_prims"]').locator('[data-status="pending-restart"]').waitFor();
  await settings.locator('tr[data-path="flags.max_agents"]').locator('[data-status="applied"]').waitFor();
  expect((await settings.locator('tr[data-path="flags.max_agents"] td').nth(1).textContent()) === '30', 'the new value');
  await screenshot(page, 'region-pending-restart');
  // A viewer sees what is pending but no action the API would refuse.
  const viewer = await newPage(browser);
  defer(() => viewer.context.close());
  await login(viewer.page, server.base, 'watcher', PASSWORD);
  await viewer.page.goto(server.base + '/regions/' + region.id);
  await viewer.page.getByTestId('pending-restart').filter({ hasText: 'flags.max_prims' }).waitFor();
  expect((await viewer.page.getByRole('button', { name: 'Restart region to apply' }).count()) === 0, 'no restart action for a viewer');
  expect(viewer.problems.length === 0, 'no script errors for the viewer: ' + viewer.problems.join('; '));

  // The Regions list and the dashboard mark it too.
  await nav('Regions').click();
  await page.getByRole('table', { name: 'Regions' }).locator('tr', { hasText: 'Harbor' }).getByText('pending-restart').waitFor();
  await nav('Dashboard').click();
  await page.getByTestId('pending-restart').getByRole('link', { name: 'Harbor' }).click();
  await pending.filter({ hasText: 'flags.max_prims' }).waitFor();

  // The operation view: the update's per-field outcome.
  await page.getByRole('table', { name: 'Region operations' }).locator('tr.op-row', { hasText: 'update' }).click();
  let view = page.getByRole('dialog', { name: /Operation update/ });
  const outcomes = view.getByRole('table', { name: 'Field outcomes' });
  await outcomes.locator('tr[data-path="flags.max_prims"]').filter({ hasText: 'pending-restart' }).filter({ hasText: 'applies when the region restarts' }).waitFor();
  await outcomes.locator('tr[data-path="flags.max_agents"]').filter({ hasText: 'applied' }).filter({ hasText: '30' }).waitFor();
  await page.keyboard.press('Escape');
  await view.waitFor({ state: 'detached' });

  // "Restart region to apply": a restart operation; when it is done nothing is pending.
  await pending.getByRole('button', { name: 'Restart region to apply' }).click();
  await pending.filter({ hasText: 'a restart is on its way' }).waitFor();
  const restart = await take('restart');
  await finish(restart, 'succeeded', { fields: {
    'flags.max_prims': { status: 'applied-on-restart', mechanism: created['flags.max_prims'].mechanism, value: 20000 } } });
  await pending.waitFor({ state: 'detached' });
  await settings.locator('tr[data-path="flags.max_prims"]').locator('[data-status="applied-on-restart"]').waitFor();
  expect((await api('GET', '/regions/' + region.id)).pending_restart.length === 0, 'the API: nothing pending after the restart');

  // "Apply on-restart changes now": the PATCH carries "restart": true, the operation apply_restart
  // (the API makes such a change eager).
  // The bridge fails one field: the operation fails, its view names the field and why.
  await page.getByRole('button', { name: 'Edit' }).click();
  edit = page.getByRole('form', { name: 'Edit region' });
  await edit.getByLabel('Allow flying').uncheck();
  await edit.getByLabel('Water height').fill('25');
  await edit.getByTestId('restart-hint').filter({ hasText: 'flags.allow_flying applies on restart' }).waitFor();
  await edit.getByLabel('Apply on-restart changes now').check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v1.1.1' }).waitFor();
  const now = await take('update');
  expect(now.spec.apply_restart === true, '"apply now" sends apply_restart: ' + JSON.stringify(now.spec));
  const reason = 'read back 20 after "set water height 25 1000 1000"';
  await finish(now, 'failed', { error: 'environment.water_height: ' + reason, fields: {
    'flags.allow_flying': { status: 'applied-on-restart', mechanism: created['flags.allow_flying'].mechanism, value: false },
    'environment.water_height': { status: 'failed', mechanism: created['environment.water_height'].mechanism, value: 20, reason },
  } });
  const waterRow = settings.locator('tr[data-path="environment.water_height"]');
  await waterRow.locator('[data-status="failed"]').waitFor();
  await waterRow.getByText(reason).waitFor();
  await screenshot(page, 'region-field-failed');
  await nav('Operations').click();
  await page.locator('tr.op-row').filter({ hasText: 'failed' }).first().click();
  view = page.getByRole('dialog', { name: /Operation update/ });
  await view.getByText('apply_restart', { exact: true }).waitFor();
  await view.getByText('environment.water_height: ' + reason).waitFor();
  await view.getByRole('table', { name: 'Field outcomes' }).locator('tr[data-path="environment.water_height"]')
    .filter({ hasText: 'failed' }).filter({ hasText: reason }).waitFor();
  await screenshot(page, 'operation-field-outcomes');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
