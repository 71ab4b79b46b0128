// Appends "The browser's first decision" to ../results.md (issue #17): how long a page takes
// from navigation, and from `init()`, to its first `can`, in headless Chromium (Debian's, driven
// by playwright-core from tests/browser). Each load is a fresh browser context with the cache
// disabled: the page imports js-sdk's `dist/web.js` (the lean build, no bundler), starts the
// policy (JSON) and the signed-in user's snapshot downloading from a loopback server while
// `init()` fetches and compiles the module, then parses the policy, opens the snapshot and
// decides. The median and the spread of BENCH_LOADS loads (default 11). Then the same with
// prepared decisions (`rolecall/decisions`, bundled by esbuild as an application's bundler would):
// the page downloads the prepared snapshot and decides from it in JavaScript, with no `init()`.
//
//   node first-decision.mjs            (needs js-sdk/dist, /usr/bin/chromium, tests/browser's npm ci)
//   SDK_DIST=<a copy of another build's js-sdk/dist> node first-decision.mjs   (to compare builds)
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { sdkDist as builtDist } from './lib/contenders.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const loads = Number(process.env.BENCH_LOADS ?? 11);
const results = join(repo, 'bench', 'results.md');
const sdkDist = process.env.SDK_DIST ?? builtDist;

function skip(why) {
  const md = `\n## The browser's first decision (issue #17)\n\nNot measured: ${why}.\n`;
  appendFileSync(results, md);
  process.stdout.write(md);
  process.exit(0);
}
if (!existsSync(chromiumPath)) skip(`${chromiumPath} is not installed (scripts/bootstrap.sh chromium)`);
const requireBrowser = createRequire(join(repo, 'tests', 'browser', 'package.json'));
let chromium;
try {
  ({ chromium } = requireBrowser('playwright-core'));
} catch {
  skip('playwright-core is not installed (cd tests/browser && npm ci)');
}

const sdk = await import(new URL('node.mjs', `file://${sdkDist}/`).href);
const policyYaml = readFileSync(join(repo, 'examples', 'policies', 'payments', 'policy.yaml'), 'utf8');
const policy = sdk.Policy.parse(policyYaml);
const evaluator = new sdk.Evaluator(policy, readFileSync(join(repo, 'examples', 'policies', 'payments', 'directory.yaml'), 'utf8'));
const policyJson = readFileSync(join(repo, 'examples', 'policies', 'payments', 'policy.json'), 'utf8');
const snapshot = JSON.stringify(evaluator.snapshot('sam'));
const prepared = JSON.stringify(evaluator.snapshot('sam', { decisions: true }));
// `rolecall/decisions` as an application's bundle holds it: esbuild, minified, for browsers.
const decisionsJs = (
  await build({
    stdin: { contents: "export { SnapshotDecisions } from './esm/decisions.js';", resolveDir: sdkDist, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
).outputFiles[0].text;
if (/\.wasm/.test(decisionsJs)) throw new Error('rolecall/decisions bundled WebAssembly');

const page = `<!doctype html><meta charset="utf-8"><title>first decision</title>
<script type="module">
  const t = { start: performance.now() };
  const mod = await import('/dist/web.js');
  t.imported = performance.now();
  const data = Promise.all([fetch('/policy.json').then((r) => r.text()), fetch('/snapshot.json').then((r) => r.text())]);
  t.initStart = performance.now();
  await mod.default();
  t.initDone = performance.now();
  const [policyText, snapshotText] = await data;
  t.data = performance.now();
  const policy = mod.Policy.parse(policyText);
  t.parsed = performance.now();
  const me = mod.Permissions.fromSnapshot(policy, snapshotText);
  t.snapshot = performance.now();
  const allowed = me.can('refunds.create', 'acme-mx');
  t.decided = performance.now();
  window.__firstDecision = { ...t, allowed, policyBytes: policyText.length, snapshotBytes: snapshotText.length };
</script>`;

const preparedPage = `<!doctype html><meta charset="utf-8"><title>first decision, prepared</title>
<script type="module">
  const t = { start: performance.now() };
  const data = fetch('/prepared.json').then((r) => r.text());
  const mod = await import('/decisions.js');
  t.imported = performance.now();
  const snapshotText = await data;
  t.data = performance.now();
  const me = mod.SnapshotDecisions.from(snapshotText);
  t.snapshot = performance.now();
  const allowed = me.can('refunds.create', 'acme-mx');
  t.decided = performance.now();
  window.__firstDecision = { ...t, allowed, snapshotBytes: snapshotText.length };
</script>`;

const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const send = (type, body) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (path === '/') return send('text/html', page);
  if (path === '/prepared') return send('text/html', preparedPage);
  if (path === '/prepared.json') return send('application/json', prepared);
  if (path === '/decisions.js') return send('text/javascript', decisionsJs);
  if (path === '/policy.json') return send('application/json', policyJson);
  if (path === '/snapshot.json') return send('application/json', snapshot);
  const file = join(sdkDist, path.replace(/^\/dist\//, '/'));
  if (!path.startsWith('/dist/') || path.includes('..') || !existsSync(file)) return res.writeHead(404).end();
  send(types[extname(file)] ?? 'application/octet-stream', readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const runs = [];
const preparedRuns = [];
try {
  // The two pages alternate, so a slow spell of the machine falls on both.
  for (let i = 0; i < loads + 1; i++) {
    for (const [path, into] of [['', runs], ['prepared', preparedRuns]]) {
      const context = await browser.newContext();
      const p = await context.newPage();
      await p.goto(url + path);
      const r = await p.waitForFunction(() => window.__firstDecision, null, { timeout: 30_000 }).then((h) => h.jsonValue());
      await context.close();
      if (!r.allowed) throw new Error('the page decided wrongly: sam may create refunds in acme-mx');
      if (i > 0) into.push(r); // the first load warms Chromium's own start, not the page's
    }
  }
} finally {
  await browser.close();
  server.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const parts = [
  ["navigation start to the page's script running (a fresh context's own start)", (r) => r.start],
  ['navigation start to the module imported (`dist/web.js`, its ES modules)', (r) => r.imported],
  ['`init()`: fetch and compile the `.wasm`', (r) => r.initDone - r.initStart],
  ['waiting for the policy and snapshot after `init()` (they download during it)', (r) => r.data - r.initDone],
  ['`Policy.parse` (JSON)', (r) => r.parsed - r.data],
  ['`Permissions.fromSnapshot`', (r) => r.snapshot - r.parsed],
  ['the first `can`', (r) => r.decided - r.snapshot],
  ['**from `init()` start to the first decision** (budget: 20 ms)', (r) => r.decided - r.initStart],
  ['**from navigation start to the first decision**', (r) => r.decided],
];
const gzOf = (b) => `${(b.length / 1024).toFixed(0)} KB, ${(gzipSync(b, { level: 9 }).length / 1024).toFixed(1)} KB gzipped`;
const gz = (f) => gzOf(readFileSync(join(sdkDist, f)));
const preparedParts = [
  ["navigation start to the page's script running (a fresh context's own start)", (r) => r.start],
  ['navigation start to `rolecall/decisions` imported (the prepared snapshot downloads meanwhile)', (r) => r.imported],
  ['waiting for the prepared snapshot after the import', (r) => r.data - r.imported],
  ['`SnapshotDecisions.from`', (r) => r.snapshot - r.data],
  ['the first `can`', (r) => r.decided - r.snapshot],
  ['**from the data to the first decision**', (r) => r.decided - r.data],
  ['**from navigation start to the first decision**', (r) => r.decided],
];
const md = [
  '',
  `## The browser's first decision (issue #17: \`node bench/js/first-decision.mjs\`)`,
  '',
  `Headless Chromium, a fresh context per load, cache off, loopback server; median and range of ${runs.length} loads.`,
  `The module: \`dist/wasm/rolecall_wasm_bg.wasm\` ${gz('wasm/rolecall_wasm_bg.wasm')}; the policy ${runs[0].policyBytes} bytes of JSON, the snapshot ${runs[0].snapshotBytes} bytes.`,
  '',
  '| step | median | range |',
  '| --- | ---: | ---: |',
  ...parts.map(([label, f]) => `| ${label} | ${median(runs.map(f)).toFixed(1)} ms | ${spread(runs.map(f))} ms |`),
  '',
  'The same page deciding from prepared decisions instead (`evaluator.snapshot(subject, { decisions: true })`, read by',
  `\`rolecall/decisions\`, bundled by esbuild as an application would: ${gzOf(Buffer.from(decisionsJs))}); no WebAssembly, no \`init()\`;`,
  `the prepared snapshot ${preparedRuns[0].snapshotBytes} bytes (${gzipSync(prepared, { level: 9 }).length} gzipped). Loads alternate with the page above.`,
  '',
  '| step | median | range |',
  '| --- | ---: | ---: |',
  ...preparedParts.map(([label, f]) => `| ${label} | ${median(preparedRuns.map(f)).toFixed(1)} ms | ${spread(preparedRuns.map(f))} ms |`),
  '',
].join('\n');
appendFileSync(results, md);
process.stdout.write(md);
