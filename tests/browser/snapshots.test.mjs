// Snapshots in a real Chromium against a real control plane, the test acting as the region's
// simulator (its bridge): the region page's Snapshots tab takes a snapshot with chosen parts, the
// bridge's progress shows as a bar (tab, operations list, operation details), the upload
// completes it, "Download" saves the very bytes with the session cookie, "Restore" says what it
// will do and starts with a before-restore snapshot, a failed one shows its failure and is
// deleted; the Snapshots page filters; the region form's lifecycle and state_parts; deleting a
// premium region waits for its final snapshot, and after that fails, "force" deletes it; a new
// region is made from the snapshot that outlived it, its restore's progress in view.
// Needs the snapshot routes (docs/snapshots.md) and the lifecycle/state_parts region fields.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.snapshots', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  const registration = await api('POST', '/simulators/registration-tokens', {});
  const sim = await api('POST', '/sim/register', { token: registration.token, hostname: 'sim1.test', capacity: 8 });
  const simulator = apiClient(server.base, sim.api_key);
  const beat = () => simulator('POST', '/sim/heartbeat', { cpu_load: 0.2, memory_load: 0.3, regions: [] });
  await beat();
  // Keeps the simulator online however long the test runs (a silent one fails its snapshots).
  const beating = setInterval(() => beat().catch(() => {}), 15000);
  defer(() => clearInterval(beating));
  const estate = await api('POST', '/estates', { name: 'Mainland', owner: 'Grid Ops' });
  const region = await api('POST', '/regions', { name: 'Vault', estate_id: estate.id, loc_x: 1000, loc_y: 1000, size_x: 256, size_y: 256,
    host: 'sim1.test', port: 9000, placement: { simulator_id: sim.simulator_id } });
  expect(region.lifecycle === 'persistent', 'a new region is persistent: ' + JSON.stringify(region));

  // The bridge's side: the region's first open operation of a kind, its result and progress.
  const take = async (kind, regionId = region.id) => {
    const pulled = await simulator('GET', '/sim/operations?wait=0');
    const op = (pulled.items || pulled.operations || []).find((o) => o.kind === kind && o.region_id === regionId);
    expect(op, `the simulator receives a ${kind} operation: ` + JSON.stringify(pulled));
    return op;
  };
  const finish = (op, state, result) => simulator('POST', `/sim/operations/${op.id}/result`, result ? { state, result } : { state });
  const report = (op, fraction, phase) => simulator('POST', `/sim/operations/${op.id}/progress`, { fraction, bytes_done: Math.round(fraction * 1000), bytes_total: 1000, phase });
  await finish(await take('create'), 'succeeded');

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  await login(page, server.base, 'ops', PASSWORD);

  // Take a snapshot: the always-saved parts are fixed, the optional ones follow the region's mode.
  await page.goto(server.base + '/regions/' + region.id);
  await page.getByRole('tab', { name: 'Snapshots' }).click();
  expect(page.url().endsWith('?tab=snapshots'), 'the tab is in the address: ' + page.url());
  await page.getByRole('table', { name: 'Snapshots' }).getByText('No snapshots.').waitFor();
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  const takeForm = page.getByRole('form', { name: 'Take snapshot' });
  expect(await takeForm.getByLabel('terrain', { exact: true }).isDisabled(), 'terrain is always saved');
  expect(!(await takeForm.getByLabel('prims', { exact: true }).isChecked()), 'hybrid with no state parts: prims off by default');
  await takeForm.getByLabel('prims', { exact: true }).check();
  await takeForm.getByLabel('Note').fill('before the terraform');
  await takeForm.getByRole('button', { name: 'Take snapshot' }).click();
  const manual = page.locator('tr.snapshot-row', { hasText: 'before the terraform' });
  await manual.getByText('pending').waitFor();
  await manual.getByText('prims').waitFor();
  const [listed] = (await api('GET', `/regions/${region.id}/snapshots`)).items;
  expect(listed.parts.includes('prims') && listed.reason === 'manual', 'the API has the snapshot with prims: ' + JSON.stringify(listed));

  // The bridge saves and uploads: its progress is a bar in the tab, the list and the details.
  const save = await take('snapshot');
  expect(save.spec.snapshot_id === listed.id, 'the operation names the snapshot');
  await report(save, 0.4, 'uploading');
  await manual.getByRole('progressbar').and(page.locator('[aria-valuenow="40"]')).waitFor();
  await screenshot(page, 'snapshots-saving');
  await nav('Operations').click();
  const opRow = page.locator('tr.op-row').filter({ hasText: 'snapshot' });
  await opRow.getByTestId('progress-text').filter({ hasText: 'uploading · 40%' }).waitFor();
  await opRow.click();
  const details = page.getByRole('dialog', { name: /Operation snapshot/ });
  await details.getByRole('progressbar').and(page.locator('[aria-valuenow="40"]')).waitFor();
  await report(save, 0.7, 'uploading');
  await details.getByRole('progressbar').and(page.locator('[aria-valuenow="70"]')).waitFor();
  await screenshot(page, 'operation-progress');
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'detached' });

  const archive = gzipSync(Buffer.from('archive.xml and terrains/Vault.r32, as a bridge would send them\n'.repeat(200)));
  const sha256 = createHash('sha256').update(archive).digest('hex');
  const upload = await fetch(`${server.base}/api/v1/sim/snapshots/${listed.id}/upload`, {
    method: 'PUT', body: archive,
    headers: { Authorization: 'Bearer ' + sim.api_key, 'Content-Type': 'application/octet-stream',
      'Content-Range': `bytes 0-${archive.length - 1}/${archive.length}`, 'X-Content-SHA256': sha256 },
  });
  expect(upload.ok, 'the upload completes: ' + upload.status + ' ' + (await upload.text()));
  await finish(save, 'succeeded');
  await opRow.getByText('succeeded').waitFor();
  expect((await opRow.getByRole('progressbar').count()) === 0, 'a finished operation has no progress bar');

  // Complete: size and SHA-256 in the tab; Download saves the same bytes (the session cookie).
  await nav('Regions').click();
  await page.getByRole('link', { name: 'Vault' }).click();
  await page.getByRole('tab', { name: 'Snapshots' }).click();
  await manual.getByText('complete').waitFor();
  await manual.getByText(sha256.slice(0, 12)).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), manual.getByRole('link', { name: 'Download' }).click()]);
  const saved = readFileSync(await download.path());
  expect(saved.equals(archive), `the downloaded archive is the uploaded one (${saved.length} of ${archive.length} bytes)`);

  // Restore: the dialog says what happens, then a before-restore snapshot is taken first.
  await manual.getByRole('button', { name: 'Restore' }).click();
  const restore = page.getByRole('dialog', { name: 'Restore snapshot' });
  await restore.getByText('before-restore safety snapshot').waitFor();
  await restore.getByText('the region is cleared first').waitFor();
  await screenshot(page, 'snapshot-restore');
  await restore.getByRole('button', { name: 'Restore' }).click();
  const safety = page.locator('tr.snapshot-row').filter({ hasText: 'before-restore' });
  await safety.waitFor();
  // Its save fails on the simulator: the failure is shown, and the failed snapshot is deleted.
  await finish(await take('snapshot'), 'failed', { error: 'no space left on device' });
  await safety.getByText('no space left on device').waitFor();
  await screenshot(page, 'snapshots-failed');
  await safety.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete snapshot' }).getByRole('button', { name: 'Delete snapshot' }).click();
  await safety.waitFor({ state: 'detached' });

  // The Snapshots page lists every region's snapshots and filters them.
  await nav('Snapshots').click();
  const all = page.getByRole('table', { name: 'Snapshots' });
  await all.getByRole('link', { name: 'Vault' }).first().waitFor();
  await page.getByRole('form', { name: 'Filter snapshots' }).getByLabel('State').selectOption('failed');
  await all.getByText('No snapshots.').waitFor();
  expect(page.url().includes('state=failed'), 'the filter is in the address: ' + page.url());
  await page.getByRole('form', { name: 'Filter snapshots' }).getByLabel('State').selectOption('complete');
  await all.locator('tr.snapshot-row', { hasText: 'before the terraform' }).waitFor();
  await screenshot(page, 'snapshots-page');

  // The region form: lifecycle, and state_parts only while the mode is hybrid; both are patches.
  await page.goto(server.base + '/regions/' + region.id);
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit region' });
  expect((await edit.getByLabel('Lifecycle').inputValue()) === 'persistent', 'the form shows the lifecycle');
  await edit.getByLabel('State mode').selectOption('minimal');
  await edit.locator('fieldset.state-parts').waitFor({ state: 'hidden' });
  await edit.getByLabel('State mode').selectOption('hybrid');
  await edit.getByLabel('mesh', { exact: true }).check();
  await edit.getByLabel('Lifecycle').selectOption('premium');
  const preview = edit.locator('.change-preview');
  // Patches that stay in the control plane: no operation for the simulator ("none").
  await preview.locator('tr', { hasText: 'state_parts.mesh' }).filter({ hasText: 'patch' }).filter({ hasText: 'none' }).waitFor();
  await preview.locator('tr', { hasText: 'lifecycle' }).filter({ hasText: 'patch' }).filter({ hasText: 'none' }).waitFor();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('region-version').filter({ hasText: 'v1.0.1' }).waitFor();
  const queued = (await api('GET', `/operations?region_id=${region.id}`)).items;
  expect(!queued.some((o) => o.kind === 'update'), 'a state-policy change queues no operation: ' + JSON.stringify(queued.map((o) => o.kind)));
  const stored = await api('GET', '/regions/' + region.id);
  expect(stored.lifecycle === 'premium' && stored.state_parts.mesh === true, 'saved: ' + JSON.stringify(stored));

  // Delete a premium region: it waits for the before-delete snapshot; that fails; force deletes.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete region' });
  await confirm.getByText('a before-delete snapshot of its state is taken first').waitFor();
  await confirm.getByRole('button', { name: 'Delete region' }).click();
  const banner = page.getByTestId('delete-banner');
  await banner.getByText('Deleting after the final snapshot').waitFor();
  await screenshot(page, 'region-deleting');
  await finish(await take('snapshot'), 'failed', { error: 'simulator went away' });
  await banner.getByText('The final snapshot failed').waitFor();
  await banner.getByText('simulator went away').waitFor();
  await banner.getByRole('button', { name: 'Force delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete region' }).getByRole('button', { name: 'Force delete (no final snapshot)' }).click();
  // Force either deletes at once or waits for one more save that may fail: both end the region.
  const outcome = await Promise.race([
    page.waitForURL(/\/regions$/).then(() => 'deleted', () => 'timeout'),
    banner.getByText('Deleting after the final snapshot').waitFor().then(() => 'waiting', () => 'timeout')]);
  if (outcome === 'waiting') {
    await finish(await take('snapshot'), 'failed', { error: 'simulator went away again' });
  }
  await page.waitForURL(/\/regions$/);
  const left = await api('GET', '/regions');
  expect(left.items.length === 0, 'the region is gone');
  const kept = await api('GET', '/snapshots?region_id=' + region.id);
  expect(kept.items.some((s) => s.note === 'before the terraform' && s.state === 'complete'), 'its snapshots outlive it: ' + JSON.stringify(kept));

  // ... and bring it back: a new region from the final good snapshot, its state restored into it.
  await nav('Snapshots').click();
  const survivor = page.getByRole('table', { name: 'Snapshots' }).locator('tr.snapshot-row', { hasText: 'before the terraform' });
  await survivor.getByRole('button', { name: 'New region…' }).click();
  const again = page.getByRole('form', { name: 'New region from snapshot' });
  expect((await again.getByLabel('Name').inputValue()) === 'Vault', 'the name it had');
  await again.getByLabel('Pin to simulator').selectOption({ label: 'sim1.test (online)' });
  await again.getByRole('button', { name: 'Create region' }).click();
  await page.getByRole('heading', { name: /Vault/ }).waitFor();
  await page.getByRole('tab', { name: 'Snapshots', selected: true }).waitFor();
  const back = (await api('GET', '/regions')).items;
  expect(back.length === 1 && back[0].name === 'Vault' && back[0].id !== region.id, 'a new region Vault: ' + JSON.stringify(back));
  // Its restore on the way: the bridge's progress shows in the new region's Snapshots tab.
  const load = await take('restore', back[0].id);
  expect(load.spec.snapshot_id === listed.id && load.spec.sha256 === sha256, 'the restore names the snapshot and its SHA-256: ' + JSON.stringify(load.spec));
  await report(load, 0.5, 'downloading');
  await page.getByRole('list', { name: 'Restores under way' }).getByRole('progressbar').and(page.locator('[aria-valuenow="50"]')).waitFor();
  await screenshot(page, 'region-from-snapshot');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
