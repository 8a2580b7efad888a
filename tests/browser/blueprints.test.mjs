// The Blueprints page in a real Chromium, as an operator: the built-in grid and island-chain are
// listed; the grid's form is made from its schema (integer inputs with their ranges, the gap's
// default as placeholder); a bad parameter shows beside its input; Plan shows six regions and
// writes nothing; Apply creates them; a second Apply overlapping them is refused with the region
// named on the form, and nothing more is created.
import { apiClient, expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

await run('browser.blueprints', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const api = apiClient(server.base);
  await api('POST', '/users', { name: 'builder', role: 'operator', password: PASSWORD });
  await api('POST', '/estates', { name: 'Mainland', owner: 'Grid Owner' });
  await api('POST', '/templates', { name: 'Plain', size_x: 256, size_y: 256 });

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  await login(page, server.base, 'builder', PASSWORD);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Blueprints', exact: true }).click();
  const list = page.getByRole('table', { name: 'Blueprints' });
  await list.getByRole('cell', { name: 'island-chain', exact: true }).waitFor();
  await list.getByRole('row').filter({ has: page.getByRole('cell', { name: 'grid', exact: true }) }).getByRole('button', { name: 'Open' }).click();

  const form = page.getByRole('form', { name: 'Parameters of grid' });
  await form.waitFor();
  const columns = form.getByLabel('columns *', { exact: true });
  expect(await columns.getAttribute('type') === 'number', 'columns is a number input');
  expect(await columns.getAttribute('min') === '1' && await columns.getAttribute('max') === '32', 'with the schema\'s range');
  expect(await form.getByLabel('gap', { exact: true }).getAttribute('placeholder') === '0', 'gap shows its default');

  // A parameter the blueprint refuses: the API's message lands beside its input.
  await form.getByLabel('template *', { exact: true }).fill('Missing');
  await columns.fill('2');
  await form.getByLabel('rows *', { exact: true }).fill('3');
  await form.getByLabel('x *', { exact: true }).fill('1000');
  await form.getByLabel('y *', { exact: true }).fill('2000');
  await form.getByLabel('prefix *', { exact: true }).fill('Main');
  await form.getByRole('button', { name: 'Plan' }).click();
  const templateError = form.locator('.field[data-field="parameters.template"] .field-error');
  await templateError.filter({ hasText: 'Missing' }).waitFor();

  await form.getByLabel('template *', { exact: true }).fill('Plain');
  await form.getByRole('button', { name: 'Plan' }).click();
  const planned = page.getByRole('table', { name: 'Planned regions' });
  await planned.waitFor();
  expect(await planned.locator('tbody tr').count() === 6, 'six regions planned');
  expect((await planned.locator('tbody tr').nth(5).textContent()).includes('1001,2002'), 'Main-6 at 1001,2002');
  expect((await api('GET', '/regions')).items.length === 0, 'plan wrote nothing');
  await screenshot(page, 'blueprints-plan');

  await form.getByRole('button', { name: 'Apply' }).click();
  const created = page.getByRole('table', { name: 'Created regions' });
  await created.waitFor();
  expect(await created.locator('tbody tr').count() === 6, 'six regions created');
  const regions = (await api('GET', '/regions')).items;
  expect(regions.length === 6 && regions.some((r) => r.name === 'Main-4' && r.loc_x === 1001 && r.loc_y === 2001),
    'the regions exist at their cells: ' + JSON.stringify(regions.map((r) => [r.name, r.loc_x, r.loc_y])));

  // The same continent again under other names overlaps the first: refused, nothing created.
  await form.getByLabel('prefix *', { exact: true }).fill('Again');
  await form.getByRole('button', { name: 'Apply' }).click();
  const refusal = form.locator('.form-error');
  await refusal.filter({ hasText: 'Again-1' }).waitFor();
  expect((await refusal.textContent()).includes('regions[0]'), 'the refusal names the region: ' + await refusal.textContent());
  expect((await api('GET', '/regions')).items.length === 6, 'nothing more was created');
  await screenshot(page, 'blueprints-refused');
  expect(problems.length === 0, 'no script errors: ' + problems.join('; '));
});
