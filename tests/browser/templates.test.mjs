// Template editing in a real Chromium against a real control plane (issue 17): every spec field
// in sections, a parcel added and sized in the layout editor, the version the edit will make
// previewed from the server (PATCH ?dry_run=true) while editing, a refused value shown with the
// server's message beside the field it names and nothing saved, then Save makes exactly the
// previewed version with the edited fields.
import { apiClient, boxOf, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.templates', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'ops', role: 'admin', password: PASSWORD });
  const island = await api('POST', '/templates', { name: 'Island', terrain_preset: 'flat' });

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  await login(page, server.base, 'ops', PASSWORD);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates', exact: true }).click();
  await page.getByRole('link', { name: 'Island' }).click();
  await page.getByRole('heading', { name: /Island v1\.0\.0/ }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit template' });
  const preview = form.getByTestId('bump-preview');
  await preview.filter({ hasText: 'No change yet: the template stays at version 1.0.0.' }).waitFor();

  // Every section of the spec is there, each with the version part it bumps.
  for (const section of ['General', 'Size and physics', 'Terrain', 'Environment', 'Access, voice, flying and scripts', 'Limits', 'Parcel layout']) {
    await form.locator(`fieldset[data-section="${section}"]`).waitFor();
  }
  for (const label of ['Physics', 'Terrain preset', 'Sun position (hours)', 'Environment preset', 'Fixed sun', 'Allow voice', 'Allow flying', 'Allow scripts', 'Enabled', 'Max prims']) {
    await form.getByLabel(label, { exact: true }).waitFor();
  }

  // A nested field: a patch.
  await form.getByLabel('Water height (m)', { exact: true }).fill('31.5');
  await preview.filter({ hasText: 'This change will make version 1.0.1 (patch: environment.water_height)' }).waitFor();
  await form.getByLabel('Allow voice', { exact: true }).uncheck();
  await preview.filter({ hasText: 'This change will make version 1.0.1 (patch: environment.water_height, flags.allow_voice)' }).waitFor();
  await form.getByLabel('Allow voice', { exact: true }).check();

  // A parcel in the layout editor: a minor.
  await form.getByRole('button', { name: '+ Add parcel' }).click();
  await form.getByLabel('Parcel 1 name', { exact: true }).fill('Plaza');
  await form.getByLabel('Parcel 1 width (m)', { exact: true }).fill('128');
  await form.getByLabel('Parcel 1 y (m)', { exact: true }).fill('192');
  await preview.filter({ hasText: 'This change will make version 1.1.0 (minor: environment.water_height, parcel_layout)' }).waitFor();
  const rect = form.getByTestId('parcel-plan').getByRole('button', { name: 'Parcel 1 Plaza' });
  // The plan is north up: a parcel at y 192 of 256 (64 high) sits at the top, half as wide.
  const plan = await boxOf(form.getByTestId('parcel-plan'));
  const box = await boxOf(rect);
  expect(Math.abs(box.y - plan.y) <= 2, `the parcel at the north edge is drawn at the top: ${JSON.stringify([plan, box])}`);
  expect(Math.abs(box.width - plan.width / 2) <= 3, `128 of 256 m is half the plan: ${JSON.stringify([plan, box])}`);
  await form.locator('table.diff').getByText('parcel_layout').waitFor();
  await screenshot(page, 'template-editor-preview');

  // A value the server refuses: its message beside the field it names, and Save writes nothing.
  await form.getByLabel('Parcel 1 width (m)', { exact: true }).fill('2');
  const widthError = form.locator('.field[data-field="parcel_layout[0].width"] .field-error');
  await widthError.filter({ hasText: 'must be an integer between 4 and 8192' }).waitFor();
  await preview.filter({ hasText: 'Not valid yet' }).waitFor();
  await form.getByRole('button', { name: 'Save new version' }).click();
  await widthError.filter({ hasText: 'must be an integer between 4 and 8192' }).waitFor();
  // A parcel that does not fit: the whole layout is refused, beside the plan.
  await form.getByLabel('Parcel 1 width (m)', { exact: true }).fill('300');
  const layoutError = form.locator('.field[data-field="parcel_layout"] > .field-error');
  await layoutError.filter({ hasText: "parcel 'Plaza' does not fit in a 256x256 region" }).waitFor();
  await form.getByTestId('parcel-plan').locator('.parcel-outside').waitFor();
  await screenshot(page, 'template-editor-refused');
  const unchanged = await api('GET', '/templates/' + island.id);
  expect(unchanged.version === '1.0.0' && unchanged.parcel_layout === null && unchanged.environment.water_height === 20,
    'nothing saved while the value is refused: ' + JSON.stringify(unchanged));
  expect((await api('GET', `/templates/${island.id}/versions`)).items.length === 1, 'no version written by previews');

  // Fixed: the preview comes back, and Save makes exactly that version.
  await form.getByLabel('Parcel 1 width (m)', { exact: true }).fill('128');
  await preview.filter({ hasText: 'This change will make version 1.1.0' }).waitFor();
  expect(await layoutError.textContent() === '', 'the refusal is gone once the value is fixed');
  const previewed = await preview.getAttribute('data-version');
  expect(previewed === '1.1.0', 'previewed version: ' + previewed);
  await form.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('heading', { name: /Island v1\.1\.0/ }).waitFor();
  const saved = await api('GET', '/templates/' + island.id);
  expect(saved.version === previewed, `saved as previewed: ${saved.version} vs ${previewed}`);
  expect(saved.environment.water_height === 31.5 && saved.flags.allow_voice === true, 'the nested field saved: ' + JSON.stringify(saved));
  const [parcel, ...others] = saved.parcel_layout || [];
  expect(others.length === 0 && parcel && parcel.name === 'Plaza' && parcel.x === 0 && parcel.y === 192 && parcel.width === 128 && parcel.height === 64,
    'the parcel saved: ' + JSON.stringify(saved.parcel_layout));
  expect((await api('GET', `/templates/${island.id}/versions`)).items.length === 2, 'one version written by the save');
  await page.locator('table.diff').getByText('parcel_layout').waitFor();
  await screenshot(page, 'template-saved');

  // A stale editor (someone else saved meanwhile) is refused by If-Match, not overwritten.
  await page.getByRole('button', { name: 'Edit' }).click();
  const again = page.getByRole('form', { name: 'Edit template' });
  await again.getByTestId('bump-preview').filter({ hasText: 'stays at version 1.1.0' }).waitFor();
  await api('PATCH', '/templates/' + island.id, { terrain_preset: 'hills' });
  await again.getByLabel('Max agents', { exact: true }).fill('80');
  await again.getByTestId('bump-preview').filter({ hasText: 'Not valid yet' }).waitFor();
  await again.getByRole('button', { name: 'Save new version' }).click();
  await again.getByText('not 1.1.0; reload and retry').first().waitFor();
  expect((await api('GET', '/templates/' + island.id)).flags.max_agents === 40, 'the stale save wrote nothing');

  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
