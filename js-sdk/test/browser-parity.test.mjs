// Differential parity in a real browser: headless Chromium (driven by playwright-core, never a
// downloaded browser) loads test/browser/parity.html, which imports dist/web.js (the lean build)
// and runs parity-core.mjs, the Node parity test's own comparisons, over the native fixture
// (target/parity/vectors.json, or ROLECALL_PARITY_DIR's). The fixture is served a chunk of cases
// at a time; the page returns each chunk's counts and first mismatches. Skipped where Chromium
// or playwright-core (tests/browser/node_modules) is not installed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { fixture, repo, sdk } from './helpers.mjs';
import { fixtureQueries, merge, summary, tally } from './parity-core.mjs';

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** At least this many queries (make fuzz raises it with its larger fixture). */
const minimum = Number(process.env.ROLECALL_PARITY_MIN ?? 10_000);
/** Cases per request and per `page.evaluate`. */
const CHUNK = Number(process.env.ROLECALL_PARITY_CHUNK ?? 100);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** playwright-core from the browser tests' install (tests/browser), or why it is not there. */
function playwright() {
  try {
    return { chromium: createRequire(join(repo, 'tests', 'browser', 'package.json'))('playwright-core').chromium };
  } catch (e) {
    return { missing: `playwright-core is not installed in tests/browser (npm ci there; make js-fixtures does): ${e.code ?? e}` };
  }
}

const pw = playwright();
const skip = !existsSync(chromium) ? `${chromium} not installed` : (pw.missing ?? false);

/** Serves js-sdk/ at / and the fixture's cases at /parity/cases?from=I&to=J, on the loopback only. */
function serve(cases) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    server.served.add(url.pathname);
    if (url.pathname === '/parity/cases') {
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(cases.slice(from, to)));
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname));
    const file = join(sdk, path);
    if (path.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  server.served = new Set();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('WebAssembly in Chromium (dist/web.js) decides every generated query exactly as the native build', { skip }, async () => {
  const { cases } = fixture('vectors.json');
  const server = await serve(cases);
  const browser = await pw.chromium.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/test/browser/parity.html`);
    await page.waitForFunction(() => window.parity !== undefined, null, { timeout: 30_000 });
    const ready = await page.evaluate(() => window.parity.ready);
    assert.ok(ready.ok, `init() failed in the page: ${ready.error}; ${errors.join('; ')}`);
    const started = Date.now();
    const t = tally();
    for (let from = 0; from < cases.length; from += CHUNK) {
      merge(t, await page.evaluate(([f, to]) => window.parity.run(f, to), [from, from + CHUNK]));
    }
    console.log(summary(t, 'chromium', Date.now() - started));
    for (const m of t.mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
    assert.deepEqual(errors, []);
    // The lean browser build's module, not the Node one.
    assert.ok(server.served.has('/dist/wasm/rolecall_wasm_bg.wasm'), [...server.served].join(' '));
    assert.equal(t.mismatchCount, 0);
    const held = fixtureQueries(cases);
    assert.equal(t.checks, held, `compared ${t.checks} of the fixture's ${held} queries`);
    assert.ok(t.checks >= minimum, `only ${t.checks} queries (at least ${minimum} expected)`);
    assert.ok(t.snapshotChecks > 0 && t.prepared > 0 && t.batches > 0 && t.triples > 0, JSON.stringify(t));
  } finally {
    await browser.close();
    server.close();
  }
});
