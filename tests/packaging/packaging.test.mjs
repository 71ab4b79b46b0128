// The packed package where users run it: `npm pack` of js-sdk, installed from the tarball into
// this project (whose devDependencies are the tools: bundlers, runtimes, TypeScript, linters),
// then each app in apps/ built and run as its recipe in docs/environments.md says, each making
// one decision that must equal the one Node's full build makes. Browser apps are opened in
// Debian's Chromium (--dump-dom: no driver). Nothing is downloaded at run time.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const sdk = join(here, '..', '..', 'js-sdk');
const payments = join(here, '..', '..', 'examples', 'policies', 'payments');
const out = join(here, 'out');
const bin = (name) => join(here, 'node_modules', '.bin', name);
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const run = promisify(execFile);

/** Runs a command in this project; its stdout, trimmed. Fails the test with its stderr. */
async function sh(cmd, args, options = {}) {
  const started = performance.now();
  try {
    const { stdout } = await run(cmd, args, { cwd: here, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 180_000, ...options });
    return stdout.trim();
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  } finally {
    const ms = performance.now() - started;
    if (ms > 2000) console.log(`# ${(ms / 1000).toFixed(1)} s: ${cmd.split('/').at(-1)} ${args.slice(0, 3).join(' ')}`);
  }
}

// The query every app decides, and a refused one for the servers.
const policyYaml = join(payments, 'policy.yaml');
const directoryYaml = join(payments, 'directory.yaml');
const query = { subject: 'oscar', action: 'refunds.create', scope: 'acme-cl' };
// Another user, refused the same query: the Svelte page switches to their snapshot.
const other = 'fiona';
const args = [policyYaml, directoryYaml, query.subject, query.action, query.scope];
let expected;
let refused;
let tarball;

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  await sh('npm', ['pack', '--silent', '--pack-destination', out], { cwd: sdk });
  tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')));
  await sh('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball]);
  // What the browser apps and the worker read: the server's JSON forms (the lean build reads
  // JSON only), made here by the installed package's full build.
  const made = await sh(process.execPath, ['--input-type=module', '-e', `
    import { readFileSync } from 'node:fs';
    import { Evaluator, Policy } from 'rolecall';
    const ev = new Evaluator(Policy.parse(readFileSync(${JSON.stringify(policyYaml)}, 'utf8')), readFileSync(${JSON.stringify(directoryYaml)}, 'utf8'));
    const d = ev.check(${JSON.stringify(query.subject)}, ${JSON.stringify(query.action)}, ${JSON.stringify(query.scope)});
    console.log(JSON.stringify({
      fixture: { policy: ev.policy.toJSON(), directory: ev.directory(), snapshot: ev.snapshot(${JSON.stringify(query.subject)}), other: ev.snapshot(${JSON.stringify(other)}), action: ${JSON.stringify(query.action)}, scope: ${JSON.stringify(query.scope)} },
      expected: { allowed: d.allowed, reason: d.reason, hash: ev.policy.hash },
      refused: ev.check(${JSON.stringify(other)}, ${JSON.stringify(query.action)}, ${JSON.stringify(query.scope)}).reason,
    }));`]);
  const { fixture, expected: e, refused: r } = JSON.parse(made);
  writeFileSync(join(out, 'fixture.json'), JSON.stringify(fixture));
  expected = e;
  refused = r;
  assert.equal(expected.allowed, true, 'the query is one the example directory allows');
});

test('Node: import, require, and both mixed in one app (one copy: 200, 400, 403)', async () => {
  assert.deepEqual(JSON.parse(await sh(process.execPath, ['apps/node/esm.mjs', ...args])), expected);
  assert.deepEqual(JSON.parse(await sh(process.execPath, ['apps/node/cjs.cjs', ...args])), expected);
  assert.deepEqual(JSON.parse(await sh(process.execPath, ['apps/node/mixed.mjs', ...args])), [
    '200 granted',
    '400 unknown_action',
    '403 out_of_scope',
  ]);
});

test('Bun and Deno (the npm packages bun and deno) run the Node apps', async () => {
  assert.deepEqual(JSON.parse(await sh(bin('bun'), ['apps/node/esm.mjs', ...args])), expected);
  assert.deepEqual(JSON.parse(await sh(bin('bun'), ['apps/node/cjs.cjs', ...args])), expected);
  assert.deepEqual(JSON.parse(await sh(bin('bun'), ['apps/node/mixed.mjs', ...args]))[2], '403 out_of_scope');
  const deno = await sh(bin('deno'), ['run', '--quiet', '--cached-only', '--allow-read', '--allow-env', 'apps/deno/main.ts', ...args], {
    env: { ...process.env, DENO_DIR: join(out, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1' },
  });
  assert.deepEqual(JSON.parse(deno), expected);
});

test('TypeScript --strict on the documented examples: moduleResolution node10, node16, bundler', async () => {
  // node10 was removed from TypeScript 7: its users are on 5.x, which checks it. The apps' configs
  // skip the libraries' declarations (as `tsc --init` does); tsconfig.declarations.json checks
  // the package's own.
  await sh(join(here, 'node_modules', 'typescript5', 'bin', 'tsc'), ['-p', 'apps/types/tsconfig.node10.json']);
  for (const config of ['node16', 'bundler', 'declarations']) await sh(bin('tsc'), ['-p', `apps/types/tsconfig.${config}.json`]);
});

test('arethetypeswrong and publint --strict report nothing on the tarball', async () => {
  const attw = await sh(bin('attw'), [tarball, '--format', 'ascii']);
  assert.match(attw, /No problems found/);
  const publint = await sh(bin('publint'), ['run', '--strict', '--pack', 'false', join(here, 'node_modules', 'rolecall')]);
  assert.match(publint, /All good/);
});

test('workerd (npm workerd) answers a request with an enforced decision, no setup', async () => {
  const dir = join(out, 'worker');
  await sh(bin('esbuild'), ['apps/worker/worker.js', '--bundle', '--format=esm', '--platform=neutral',
    '--conditions=workerd,worker', '--external:*.wasm', `--outfile=${join(dir, 'worker.js')}`, '--log-level=warning']);
  mkdirSync(join(dir, 'wasm'));
  copyFileSync(join(here, 'node_modules', 'rolecall', 'dist', 'wasm', 'rolecall_wasm_bg.wasm'), join(dir, 'wasm', 'rolecall_wasm_bg.wasm'));
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .app)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const app :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "wasm/rolecall_wasm_bg.wasm", wasm = embed "wasm/rolecall_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
`);
  const server = spawn(bin('workerd'), ['serve', join(dir, 'config.capnp')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (c) => (stderr += c));
  try {
    const ask = async (user, scope) => {
      for (let i = 0; ; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/?user=${user}&scope=${scope}`);
          return await r.json();
        } catch (e) {
          if (i > 100 || server.exitCode !== null) throw new Error(`workerd: ${e.message}\n${stderr}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    assert.deepEqual(await ask(query.subject, query.scope), { status: 200, code: 'granted' });
    assert.deepEqual(await ask('nobody', query.scope), { status: 403, code: 'missing_permission' });
  } finally {
    server.kill();
  }
});

// The browser apps: each built into out/<name>/ and opened in Chromium.
let http;
before(async () => {
  http = createServer((req, res) => {
    const file = normalize(join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!file.startsWith(out) || !existsSync(file) || statSync(file).isDirectory()) return res.writeHead(404).end();
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
});
after(() => http?.close());

/** Opens a page in Chromium and returns what it shows in <pre id="out">. */
async function open(path) {
  const url = `http://127.0.0.1:${http.address().port}/${path}`;
  const dom = await sh(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--dump-dom', url], { timeout: 60_000 });
  const shown = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1];
  assert.ok(shown !== undefined, `${path} showed no result:\n${dom.slice(0, 2000)}`);
  return JSON.parse(shown.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
}

const page = (script) => `<!doctype html><meta charset="utf-8"><body><script type="module" src="${script}"></script></body>\n`;
const noChromium = !existsSync(chromium) && `${chromium} not installed`;

test('esbuild (--bundle --format=esm --platform=browser, .wasm as bytes) in Chromium', { skip: noChromium }, async () => {
  await sh(bin('esbuild'), ['apps/esbuild/main.js', '--bundle', '--format=esm', '--platform=browser', '--loader:.wasm=binary',
    `--outfile=${join(out, 'esbuild', 'main.js')}`, '--log-level=warning']);
  writeFileSync(join(out, 'esbuild', 'index.html'), page('./main.js'));
  assert.deepEqual(await open('esbuild/index.html'), expected);
});

test('Vite + React (vite build, rolecall/react) in Chromium', { skip: noChromium }, async () => {
  await sh(bin('vite'), ['build', '--config', 'apps/vite-react/vite.config.mjs']);
  const { hash: _, ...decision } = expected;
  assert.deepEqual(await open('vite-react/index.html'), decision);
});

test('Vite + Svelte (rolecall/svelte: a new snapshot re-renders the control) in Chromium', { skip: noChromium }, async () => {
  await sh(bin('vite'), ['build', '--config', 'apps/vite-svelte/vite.config.mjs']);
  assert.notEqual(refused, 'granted', 'the other user is refused');
  assert.deepEqual(await open('vite-svelte/index.html'), { before: expected.reason, after: refused, disabled: true });
});

test('Vite + Vue (rolecall/vue: useCan, <Can>, v-can; a new snapshot re-renders all three) in Chromium', { skip: noChromium }, async () => {
  await sh(bin('vite'), ['build', '--config', 'apps/vite-vue/vite.config.mjs']);
  const { title, ...shown } = await open('vite-vue/index.html');
  assert.deepEqual(shown, {
    before: { reason: expected.reason, disabled: [false, false, false] },
    after: { reason: refused, disabled: [true, true, true] },
  });
  assert.ok(title.length > 0, 'the directive gives the reason as the title');
});

test('webpack 5 (production) in Chromium', { skip: noChromium }, async () => {
  await sh(process.execPath, ['apps/webpack/build.mjs']);
  writeFileSync(join(out, 'webpack', 'index.html'), page('./main.js'));
  assert.deepEqual(await open('webpack/index.html'), expected);
});

// Next.js: one production build (`next build`, Turbopack, no config), then `next start` on a
// free loopback port. Nothing is fetched: telemetry is off, SWC is the npm package's binary, no
// next/font.
test('Next.js app router (server component, rolecall/react client component, route handler) in Chromium', { skip: noChromium }, async () => {
  const dir = join(out, 'next');
  cpSync(join(here, 'apps', 'next'), dir, { recursive: true });
  mkdirSync(join(dir, 'data'));
  for (const f of [policyYaml, directoryYaml]) copyFileSync(f, join(dir, 'data', f.split('/').at(-1)));
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  await sh(bin('next'), ['build'], { cwd: dir, env, timeout: 600_000 });
  const port = await freePort();
  const server = spawn(bin('next'), ['start', '--hostname', '127.0.0.1', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (c) => (log += c));
  server.stderr.on('data', (c) => (log += c));
  const base = `http://127.0.0.1:${port}`;
  const { chromium: launcher } = await import('playwright-core');
  let browser;
  try {
    const refund = async (user) => {
      for (let i = 0; ; i++) {
        try {
          const r = await fetch(`${base}/api/refunds?scope=${query.scope}&user=${user}`, { method: 'POST' });
          return [r.status, r.ok ? 'granted' : (await r.json()).error.code];
        } catch (e) {
          if (i > 200 || server.exitCode !== null) throw new Error(`next start: ${e.message}\n${log}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    // The route handler enforces as the core decides.
    assert.deepEqual(await refund(query.subject), [200, 'granted']);
    assert.deepEqual(await refund(other), [403, refused]);
    // The server's HTML already shows the decision (server rendering of the client component).
    const html = async (user) => (await (await fetch(`${base}/?user=${user}&scope=${query.scope}`)).text()).match(/<button id="refund"[^>]*>/)?.[0];
    assert.equal(await html(query.subject), '<button id="refund">');
    assert.match(await html(other), new RegExp(`disabled="" aria-disabled="true" title="[^"]+".* data-rolecall-reason="${refused}"`));
    browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage();
    const messages = [];
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
    const shown = {};
    for (const user of [query.subject, other]) {
      await page.goto(`${base}/?user=${user}&scope=${query.scope}`);
      await page.waitForSelector('#answer[data-hydrated="true"]', { state: 'attached', timeout: 30_000 });
      shown[user] = await page.$eval('#refund', (b) => ({ disabled: b.disabled, reason: b.dataset.rolecallReason ?? 'granted' }));
    }
    assert.deepEqual(shown, { [query.subject]: { disabled: false, reason: 'granted' }, [other]: { disabled: true, reason: refused } });
    // The allowed user's click posts to the route handler; the page shows the server's answer.
    await page.goto(`${base}/?user=${query.subject}&scope=${query.scope}`);
    await page.waitForSelector('#answer[data-hydrated="true"]', { state: 'attached', timeout: 30_000 });
    await page.click('#refund');
    await page.waitForFunction(() => document.querySelector('#answer').textContent !== '', null, { timeout: 10_000 });
    assert.equal(await page.$eval('#answer', (o) => o.textContent), '200');
    // No hydration warning, nor any other message (React reports a mismatch as a console error).
    assert.deepEqual(messages, []);
  } finally {
    await browser?.close();
    server.kill();
  }
});

function freePort() {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
