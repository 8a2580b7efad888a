// The operator's first login: the link the first start logs opens the console logged in as
// admin, on the dashboard, the secret gone from the address bar and history, with a prompt to set
// a password; the existing password form sets one (ending that session), and the password then
// logs in. The link works once: opened again, the login page says so.
import { expect, launchBrowser, login, newPage, run, screenshot, startControlPlane } from './harness.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';

async function firstLoginLink(server) {
  for (let i = 0; i < 100; ++i) {
    const match = /first login: open (http:\/\/\S+\/login#once=\S+)/.exec(server.output());
    if (match) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no first login link in the log:\n' + server.output());
}

await run('browser.first_login', async (defer) => {
  const server = await startControlPlane();
  defer(() => server.stop());
  const link = await firstLoginLink(server);
  expect(link.startsWith(server.base + '/login#once=vgl_'), 'the link points at this control plane: ' + link);

  const { browser, close } = await launchBrowser();
  defer(close);
  const { page, problems } = await newPage(browser);
  await page.goto(link);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByTestId('stat-regions').waitFor();
  expect((await page.getByTestId('role').textContent()) === 'admin', 'logged in as admin');
  expect((await page.locator('.user-name').textContent()) === 'admin', 'as the user admin');
  const url = new URL(page.url());
  expect(url.pathname === '/' && url.hash === '' && !page.url().includes('once'), 'the secret left the URL: ' + page.url());
  expect(!(await page.evaluate(() => JSON.stringify(history.state) + location.href)).includes('vgl_'), 'and the history entry');
  const prompt = page.getByTestId('set-password-prompt');
  await prompt.waitFor();
  await screenshot(page, 'first-login-dashboard');

  // The prompt leads to the existing password form; saving ends this session.
  await prompt.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByRole('row', { name: /admin/ }).getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel(/New password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/login/);
  await login(page, server.base, 'admin', PASSWORD);
  expect((await page.getByTestId('role').textContent()) === 'admin', 'the new password logs in');
  expect((await page.getByTestId('set-password-prompt').count()) === 0, 'no prompt after a password login');

  // The same link in another browser: used, so the login page says so.
  const second = await newPage(browser);
  await second.page.goto(link);
  await second.page.getByTestId('link-error').waitFor();
  expect(new URL(second.page.url()).pathname === '/login', 'back on the login page');
  expect(!second.page.url().includes('once'), 'the used secret left the URL too');
  await screenshot(second.page, 'first-login-used-link');
  expect(problems.length === 0 && second.problems.length === 0, 'no script errors: ' + [...problems, ...second.problems].join('; '));
});
