// Browser tests of the example dashboard: Debian's Chromium driven by playwright-core (never a
// downloaded browser), against the example server on loopback, started fresh for each file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = join(repo, 'examples', 'node-server');
const dashboard = join(repo, 'examples', 'dashboard', 'dist');
export const screenshots = join(repo, '.artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium: installed here when we are root and it is missing, else a clear failure. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && CHROMIUM === '/usr/bin/chromium') {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env });
    if (existsSync(CHROMIUM)) return CHROMIUM;
  }
  throw new Error(
    `Chromium is missing at ${CHROMIUM}: install Debian's package (\`sudo apt-get install chromium\`) ` +
      'or set CHROMIUM to a Chromium binary. The tests never download a browser.',
  );
}

/** Starts the example server with the built dashboard; resolves to `{ url, stop, alive }`. */
export async function startServer() {
  for (const [path, what] of [
    [join(dashboard, 'index.html'), 'the dashboard is not built: run `npm run build` in examples/dashboard (or `make demo`)'],
    [join(server, 'node_modules', 'express'), 'the example server is not installed: run `npm ci` in examples/node-server'],
  ]) {
    if (!existsSync(path)) throw new Error(what);
  }
  const child = spawn(process.execPath, [join(server, 'src', 'main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DASHBOARD: dashboard },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let exited = false;
  child.stderr.on('data', (d) => (stderr += d));
  child.on('exit', () => (exited = true));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${stderr}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
  return {
    url,
    alive: () => !exited,
    stop: () =>
      new Promise((done) => {
        if (exited) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** Chromium, headless, with the flags this machine's closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * A page signed in as `user` (DEMO sign-in through the API, cookie shared with the page), at
 * `hash` (`payments`, `team`, ...) and `tenant`, once the section has rendered. Page errors fail
 * the test: `page.errors` collects them.
 */
export async function pageAs(browser, url, user, hash = 'payments', tenant) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
  const res = await context.request.post(`${url}/api/session`, { data: { user } });
  if (!res.ok()) throw new Error(`sign-in as ${user}: ${res.status()}`);
  await page.goto(`${url}/#/${hash}`);
  await page.waitForSelector('section.page');
  if (tenant !== undefined) await chooseTenant(page, tenant);
  return page;
}

/** Picks a tenant in the switcher and waits for the section to settle. */
export async function chooseTenant(page, tenant) {
  await page.selectOption('select[aria-label="Tenant"]', tenant);
  await settle(page);
}

/** Waits until no list is loading. */
export async function settle(page) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.card')].some((c) => c.textContent === 'Loading…'));
}

/** Saves a full-page screenshot as .artifacts/screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/**
 * What a gated control shows: visible, enabled, and for a disabled one the reason code, the
 * tooltip and the accessible description (the text of the element aria-describedby names).
 */
export async function control(locator) {
  if ((await locator.count()) === 0) return { visible: false };
  return locator.evaluate((el) => ({
    visible: el.offsetParent !== null || el.getClientRects().length > 0,
    enabled: !el.disabled && el.getAttribute('aria-disabled') !== 'true',
    reason: el.getAttribute('data-rolecall-reason') ?? undefined,
    title: el.getAttribute('title') ?? undefined,
    description: (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim() || undefined,
  }));
}

/** Sends a request from the page (the user's cookie, as a user editing the page would). */
export function send(page, method, path, body) {
  return page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p, { method: m, headers: { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    [method, path, body],
  );
}

/**
 * The example server and Chromium for one test file: started before its tests, stopped after.
 * The returned object's `server` and `browser` are set once `before` has run.
 */
export function serverAndBrowser() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
