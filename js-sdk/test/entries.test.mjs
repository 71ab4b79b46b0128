// Packaging: each entry of package.json "exports" loaded the way a user loads it, in a child
// process: `require` (CommonJS), `import` (ES module), the web build with an explicit `init()`,
// and a fresh `npm pack` installed into an empty project, type-checked with a codegen Schema.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Policy } from 'rolecall';
import { examples, sdk } from './helpers.mjs';

const policyFile = JSON.stringify(join(examples, 'payments', 'policy.yaml'));
const policyJson = JSON.stringify(join(examples, 'payments', 'policy.json'));
const directoryFile = JSON.stringify(join(examples, 'payments', 'directory.yaml'));
const node = (cwd, args) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8' }).trim();

const cjs = `
const { Policy, Evaluator, RolecallError } = require('rolecall');
const fs = require('node:fs');
const ev = new Evaluator(Policy.parse(fs.readFileSync(${policyFile}, 'utf8')), fs.readFileSync(${directoryFile}, 'utf8'));
let code;
try { ev.can('oscar', 'nope.nothing', 'org'); } catch (e) { code = e instanceof RolecallError && e.code; }
console.log(ev.can('oscar', 'refunds.create', 'acme-cl'), code);`;

const esm = `
import init, { Policy, Evaluator, RolecallError } from 'rolecall';
import { readFileSync } from 'node:fs';
await init();
const ev = new Evaluator(Policy.parse(readFileSync(${policyFile}, 'utf8')), readFileSync(${directoryFile}, 'utf8'));
let code;
try { ev.can('oscar', 'nope.nothing', 'org'); } catch (e) { code = e instanceof RolecallError && e.code; }
console.log(ev.can('oscar', 'refunds.create', 'acme-cl'), code);`;

test('CommonJS: require("rolecall") loads synchronously', () => {
  assert.equal(node(sdk, ['-e', cjs]), 'true unknown_action');
});

test('ES module: import from "rolecall" in Node', () => {
  assert.equal(node(sdk, ['--input-type=module', '-e', esm]), 'true unknown_action');
});

// enforce() tells a refusal of ours (400 with its code) from a crash (500) with instanceof
// RolecallError: `rolecall/node` must see the same class as `rolecall`, in both module systems.
const enforceUse = (load) => `
${load}
const fs = require('node:fs');
const ev = new Evaluator(Policy.parse(fs.readFileSync(${policyFile}, 'utf8')), fs.readFileSync(${directoryFile}, 'utf8'));
const a = enforce(ev, 'oscar', 'refunds.create', 'acme-cl');
const b = enforce(ev, 'oscar', 'nope.nothing', 'org');
console.log(a.status, b.status, b.body.error.code);`;

// rolecall/decisions throws the main entry's RolecallError too (a page tells an input error from
// a crash with instanceof), in both module systems.
const decisionsUse = (load) => `
${load}
const fs = require('node:fs');
const ev = new Evaluator(Policy.parse(fs.readFileSync(${policyFile}, 'utf8')), fs.readFileSync(${directoryFile}, 'utf8'));
const d = SnapshotDecisions.from(ev.snapshot('oscar', { decisions: true }));
let code;
try { d.can('nope.nothing', 'org'); } catch (e) { code = e instanceof RolecallError && e.code; }
console.log(d.can('refunds.create', 'acme-cl'), code);`;

test('rolecall/decisions shares the main entry\'s RolecallError: CommonJS and ES module', () => {
  const cjsUse = decisionsUse(`const { Policy, Evaluator, RolecallError } = require('rolecall');\nconst { SnapshotDecisions } = require('rolecall/decisions');`);
  assert.equal(node(sdk, ['-e', cjsUse]), 'true unknown_action');
  const esmUse = decisionsUse(
    `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nimport { Policy, Evaluator, RolecallError } from 'rolecall';\nimport { SnapshotDecisions } from 'rolecall/decisions';`,
  );
  assert.equal(node(sdk, ['--input-type=module', '-e', esmUse]), 'true unknown_action');
});

test('rolecall/node shares the main entry\'s classes: CommonJS and ES module', () => {
  const cjsEnforce = enforceUse(`const { Policy, Evaluator } = require('rolecall');\nconst { enforce } = require('rolecall/node');`);
  assert.equal(node(sdk, ['-e', cjsEnforce]), '200 400 unknown_action');
  const esmEnforce = enforceUse(
    `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nimport { Policy, Evaluator } from 'rolecall';\nimport { enforce } from 'rolecall/node';`,
  );
  assert.equal(node(sdk, ['--input-type=module', '-e', esmEnforce]), '200 400 unknown_action');
});

// The dual-package hazard: `import` and `require` in one process must reach one copy (one
// WebAssembly instance, one RolecallError), or enforce() answers another copy's errors with 500.
test('mixing import and require: one copy of the SDK, enforce answers 200/400/403', () => {
  const mixed = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Policy, Evaluator } from 'rolecall';
const require = createRequire(import.meta.url);
const { enforce } = require('rolecall/node');
const cjs = require('rolecall');
const ev = new Evaluator(Policy.parse(readFileSync(${policyFile}, 'utf8')), readFileSync(${directoryFile}, 'utf8'));
const viaCjs = new cjs.Evaluator(Policy.parse(readFileSync(${policyFile}, 'utf8')), readFileSync(${directoryFile}, 'utf8'));
const r = (o) => o.status + ':' + (o.allowed ? 'ok' : o.body.error.code);
console.log(cjs.Evaluator === Evaluator, r(enforce(ev, 'oscar', 'refunds.create', 'acme-cl')),
  r(enforce(ev, 'oscar', 'nope.nothing', 'org')), r(enforce(ev, 'oscar', 'refunds.create', 'nowhere')),
  r(enforce(viaCjs, 'nobody', 'refunds.create', 'acme-cl')));`;
  assert.equal(
    node(sdk, ['--input-type=module', '-e', mixed]),
    'true 200:ok 400:unknown_action 403:out_of_scope 403:missing_permission',
  );
  // require first, then import: the same one copy.
  const cjsFirst = `
const fs = require('node:fs');
const viaRequire = require('rolecall');
const ev = new viaRequire.Evaluator(viaRequire.Policy.parse(fs.readFileSync(${policyFile}, 'utf8')), fs.readFileSync(${directoryFile}, 'utf8'));
import('rolecall').then((m) => import('rolecall/node').then((n) =>
  console.log(m.Evaluator === viaRequire.Evaluator, n.enforce(ev, 'oscar', 'nope.nothing', 'org').status)));`;
  assert.equal(node(sdk, ['-e', cjsFirst]), 'true 400');
});

test('CommonJS: the default export is init, as `import init from "rolecall"` compiles to', () => {
  const compiled = `
const mod = require('rolecall');
const init = (mod && mod.__esModule ? mod : { default: mod }).default;
init().then(() => console.log(typeof init, mod.default === mod.init));`;
  assert.equal(node(sdk, ['-e', compiled]), 'function true');
});

test('init() that cannot load the .wasm is a RolecallError init_failed naming what it tried', () => {
  const failing = `
const { default: init, RolecallError } = await import(${JSON.stringify(join(sdk, 'dist', 'web.js'))});
const out = [];
for (const input of [new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]), new Response('nope', { status: 404 })]) {
  try { await init(input); out.push('loaded'); } catch (e) { out.push(e instanceof RolecallError, e.code, e.message); }
}
console.log(out.join('|'));`;
  const [isError, code, message, isError2, code2, message2] = node(sdk, ['--input-type=module', '-e', failing]).split('|');
  assert.equal(isError, 'true');
  assert.equal(code, 'init_failed');
  assert.match(message, /from 8 bytes: /);
  assert.equal(isError2, 'true');
  assert.equal(code2, 'init_failed');
  assert.match(message2, /from a Response \(404\): failed to fetch Wasm: 404/);
});

test('the lean .wasm is exported as rolecall/rolecall.wasm; init() takes a WebAssembly.Module', () => {
  const fromModule = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const { default: init, Policy } = await import(${JSON.stringify(join(sdk, 'dist', 'web.js'))});
const file = createRequire(import.meta.url).resolve('rolecall/rolecall.wasm');
await init(new WebAssembly.Module(readFileSync(file)));
console.log(file.endsWith('rolecall_wasm_bg.wasm'), Policy.parse(readFileSync(${policyJson}, 'utf8')).hash.length);`;
  assert.equal(node(sdk, ['--input-type=module', '-e', fromModule]), 'true 64');
});

// YAML on the server, JSON in the browser: the lean build parses the server's policy.toJSON()
// to the same hash, and refuses YAML with a hint in JavaScript terms.
test('policy.toJSON(): the lean build reads it with the same hash; YAML there says what to send', () => {
  const yaml = readFileSync(join(examples, 'payments', 'policy.yaml'), 'utf8');
  const server = Policy.parse(yaml);
  const text = JSON.stringify(server);
  const keys = Object.keys(server.toJSON());
  assert.deepEqual(keys, [...keys].sort());
  const lean = `
import { readFileSync } from 'node:fs';
const { default: init, Policy } = await import(${JSON.stringify(join(sdk, 'dist', 'web.js'))});
await init(readFileSync(${JSON.stringify(join(sdk, 'dist', 'wasm', 'rolecall_wasm_bg.wasm'))}));
let help;
try { Policy.parse(${JSON.stringify(yaml)}); } catch (e) { help = e.code + ' ' + e.help; }
console.log(Policy.parse(${JSON.stringify(text)}).hash);
console.log(help);`;
  const [hash, help] = node(sdk, ['--input-type=module', '-e', lean]).split('\n');
  assert.equal(hash, server.hash);
  assert.match(help, /^syntax .*JSON only.*`Policy\.parse\(yamlText\)\.toJSON\(\)`/);
});

test('the web build needs init(), which takes the .wasm bytes; it is the lean build', () => {
  const web = `
import { readFileSync } from 'node:fs';
const { default: init, Policy, RolecallError, diff } = await import(${JSON.stringify(join(sdk, 'dist', 'web.js'))});
let before;
try { Policy.parse('rolecall: 1'); } catch (e) { before = e instanceof RolecallError && e.code; }
await init(readFileSync(${JSON.stringify(join(sdk, 'dist', 'wasm', 'rolecall_wasm_bg.wasm'))}));
let lean;
try { diff(); } catch (e) { lean = e.code; }
console.log(before, Policy.parse(readFileSync(${policyJson}, 'utf8')).hash.length, lean);`;
  assert.equal(node(sdk, ['--input-type=module', '-e', web]), 'not_initialized 64 not_available');
});

// What test/consumer/saved.ts imports as JSON: snapshots (a direct grant, a context, an API key)
// and decisions (allowed, denied) as the installed SDK writes them.
const saveJson = `
const { Policy, Evaluator } = require('rolecall');
const fs = require('node:fs');
const ev = new Evaluator(Policy.parse(fs.readFileSync(${policyFile}, 'utf8')), fs.readFileSync(${directoryFile}, 'utf8'));
const save = (file, value) => fs.writeFileSync(file, JSON.stringify(value, null, 2));
save('snapshot-grant.json', ev.snapshot('olga'));
save('snapshot-context.json', ev.snapshot('carla'));
save('snapshot-key.json', ev.snapshot('key_ci'));
save('decision-allowed.json', ev.check('olga', 'users.invite', 'org'));
save('decision-denied.json', ev.check('sam', 'refunds.create', 'acme-cl'));`;

test('npm pack installs into an empty project, runs there and type-checks a Schema and JSON imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-pack-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: sdk, encoding: 'utf8' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)], { cwd: app });
    assert.equal(node(app, ['-e', cjs]), 'true unknown_action');
    assert.equal(node(app, ['--input-type=module', '-e', esm]), 'true unknown_action');
    cpSync(join(sdk, 'test', 'consumer'), app, { recursive: true });
    node(app, ['-e', saveJson]);
    execFileSync(join(sdk, 'node_modules', '.bin', 'tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' });
    execFileSync(join(sdk, 'node_modules', '.bin', 'tsc'), ['-p', join(app, 'tsconfig.bundler.json')], { cwd: app, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
