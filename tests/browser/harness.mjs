// What every browser test needs: a real vergegrid-control on loopback with a throwaway data dir,
// the API as the test admin (for set-up the test is not about), Debian's Chromium driven by
// playwright-core, and screenshots saved as artifacts. Paths come from the environment ctest
// sets (tests/browser/CMakeLists.txt).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through ctest)`);
  return value;
};

export const ADMIN_TOKEN = 'vgo_browser-test-admin-token-0123456789abcdefgh';
const require = createRequire(resolve(env('VERGEGRID_BROWSER_NODE_MODULES'), 'noop.js'));
const { chromium } = require('playwright-core');

// Starts the control plane and resolves once it printed the port it listens on. `ini`, when
// given, is the text of its INI configuration file (--config).
export async function startControlPlane({ ini } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'vergegrid-browser-'));
  const args = ['--listen', '127.0.0.1:0', '--data-dir', dataDir];
  if (ini) {
    const file = join(dataDir, 'vergegrid.ini');
    writeFileSync(file, ini);
    args.push('--config', file);
  }
  const child = spawn(env('VERGEGRID_CONTROL_BINARY'), args, {
    env: { ...process.env, VERGEGRID_ADMIN_TOKEN: ADMIN_TOKEN, VERGEGRID_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('control plane did not start in 20 s:\n' + output)), 20000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`control plane exited with ${code}:\n${output}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        let timer;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10000)))]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The REST API as the test admin (or with another bearer token).
export function apiClient(base, token = ADMIN_TOKEN) {
  return async function call(method, path, body) {
    const response = await fetch(base + '/api/v1' + path, {
      method,
      headers: { Authorization: 'Bearer ' + token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return data;
  };
}

export async function launchBrowser() {
  // These flags keep Chromium off the network it would otherwise try to reach at start;
  // playwright gives every launch a fresh, empty profile directory of its own.
  const browser = await chromium.launch({
    executablePath: process.env.VERGEGRID_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

// A page that fails the test on any uncaught script error or console error.
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // Generous: CI runs these beside the C++ suites, and once more against the ASan build.
  page.setDefaultTimeout(20000);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    // Chromium logs every 4xx answer ("Failed to load resource"): a 401 is how the console learns
    // nobody is logged in, and the tests provoke 409s on purpose. Script errors still count.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push('console error: ' + m.text());
  });
  return { page, context, problems };
}

export async function screenshot(page, name) {
  const dir = env('VERGEGRID_BROWSER_ARTIFACTS');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name + '.png');
  await page.screenshot({ path, fullPage: true });
  console.log('screenshot: ' + path);
  return path;
}

export async function login(page, base, username, password) {
  await page.goto(base + '/');
  await page.waitForURL(/\/login/);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

// Runs the named steps in order, printing each, and exits non-zero on the first failure.
export async function run(name, body) {
  const started = Date.now();
  const cleanups = [];
  try {
    await body((fn) => cleanups.push(fn));
    console.log(`${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`${name}: FAILED: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        console.error('cleanup failed: ' + e);
      }
    }
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error('expectation failed: ' + message);
}

// A locator's box once it is laid out. boundingBox() answers null while the element is not
// visible, and the console's live updates can re-render the map between a wait and the
// measurement (browser.viewer read a null tile box once, in a full suite run).
export async function boxOf(locator, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const box = await locator.boundingBox({ timeout: Math.max(1, deadline - Date.now()) });
    if (box) return box;
    if (Date.now() >= deadline) throw new Error(`no box for ${locator} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
