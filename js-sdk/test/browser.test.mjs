// The web build in a real browser: headless Chromium loads a page that imports dist/web.js with
// no bundler, awaits init() (which fetches the .wasm next to the module) and decides from a
// snapshot. Skipped where Chromium is not installed (scripts/bootstrap.sh chromium).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { Evaluator, Policy } from 'rolecall';
import { examples, repo, sdk } from './helpers.mjs';

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.yaml': 'text/plain' };

/**
 * Serves js-sdk/ at / and the repository's examples at /examples, on the loopback only, and a
 * subject's snapshot at /api/snapshot/SUBJECT, taken here by the full (Node) build.
 */
function serve() {
  const policy = Policy.parse(readFileSync(join(examples, 'payments', 'policy.yaml'), 'utf8'));
  const evaluator = new Evaluator(policy, readFileSync(join(examples, 'payments', 'directory.yaml'), 'utf8'));
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (path.startsWith('/api/snapshot/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(evaluator.snapshot(path.slice('/api/snapshot/'.length))));
      return;
    }
    const file = path.startsWith('/examples/') ? join(repo, path) : join(sdk, path);
    if (path.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('a page in Chromium imports dist/web.js (the lean build), awaits init() and decides from a snapshot', { skip: !existsSync(chromium) && `${chromium} not installed` }, async () => {
  const server = await serve();
  try {
    const url = `http://127.0.0.1:${server.address().port}/test/browser/index.html`;
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--dump-dom', url];
    const dom = await new Promise((resolve, reject) =>
      execFile(chromium, args, { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const out = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1] ?? dom;
    const result = JSON.parse(out.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
    assert.deepEqual(result, {
      before: 'not_initialized',
      can: true,
      cannot: false,
      message: result.message,
      stale: 'policy_mismatch',
      yaml: 'syntax',
      server: 'not_available',
    });
    assert.match(result.message, /acme-cl|Refunds/);
  } finally {
    server.close();
  }
});
