// Browser tests of the example dashboard: Debian's Chromium driven by playwright-core (never a
// downloaded browser), against the example server on loopback, started fresh for each file.
// A test file calls withDashboard() once at its top and opens its pages through what it returns.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverDir = join(repo, 'examples', 'node-server');
const dashboardDist = join(repo, 'examples', 'dashboard', 'dist');
const screenshots = join(repo, '.artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * The example server and Chromium for one test file: started before its first test and stopped
 * after its last (node:test's `before` and `after`, registered here). `url` and `browser` are set
 * once the tests run; `pageAs` and `open` open a page signed in as a demo user.
 */
export function withDashboard() {
  let server;
  const app = {
    url: undefined,
    browser: undefined,
    pageAs: (user, hash, tenant) => pageAs(app, user, hash, tenant),
    open: (user, path, viewport) => open(app, user, path, viewport),
  };
  before(async () => {
    server = await startServer();
    app.url = server.url;
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await server?.stop();
  });
  return app;
}

/** Debian's Chromium, or a clear failure: `make browser-test` installs it, the tests never do. */
function chromiumPath() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  throw new Error(
    `Chromium is missing at ${CHROMIUM}: run \`scripts/bootstrap.sh chromium\` (Debian's package, as root) ` +
      'or set CHROMIUM to a Chromium binary. The tests never download a browser.',
  );
}

/**
 * Starts the example server with the built dashboard, through the server tests' own helper
 * (examples/node-server/test/helpers.mjs: a child process on a free loopback port); resolves to
 * `{ url, stop }` and more.
 */
async function startServer() {
  for (const [path, what] of [
    [join(dashboardDist, 'index.html'), 'the dashboard is not built: run `npm run build` in examples/dashboard (or `make examples`)'],
    [join(serverDir, 'node_modules', 'express'), 'the example server is not installed: run `npm ci` in examples/node-server (or `make examples`)'],
  ]) {
    if (!existsSync(path)) throw new Error(what);
  }
  // Imported here, once the checks passed: the helper needs the server's packages.
  const { startServer: startExampleServer } = await import(pathToFileURL(join(serverDir, 'test', 'helpers.mjs')).href);
  return startExampleServer({ DASHBOARD: dashboardDist });
}

/** Chromium, headless, with the flags this machine's closed network needs. */
async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * A page of its own (a fresh browser context) signed in as `user` (DEMO sign-in through the API,
 * cookie shared with the page), at `path` of the server (`/plain.html`, ...), just loaded.
 * `page.errors` collects the page's errors and console errors, for a test to assert.
 */
async function open({ browser, url }, user, path, viewport = { width: 1360, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
  const res = await context.request.post(`${url}/api/session`, { data: { user } });
  if (!res.ok()) throw new Error(`sign-in as ${user}: ${res.status()}`);
  await page.goto(`${url}${path}`);
  return page;
}

/**
 * The dashboard signed in as `user` (see `open`), at `hash` (`payments`, `team`, ...) and
 * `tenant`, once the section has rendered.
 */
async function pageAs(app, user, hash = 'payments', tenant) {
  const page = await open(app, user, `/#/${hash}`);
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
