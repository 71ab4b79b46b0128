// Packaging: each entry of package.json "exports" loaded the way a user loads it, in a child
// process: `require` (CommonJS), `import` (ES module), the web build with an explicit `init()`,
// and a fresh `npm pack` installed into an empty project, type-checked with a codegen Schema.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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

test('rolecall/node shares the main entry\'s classes: CommonJS and ES module', () => {
  const cjsEnforce = enforceUse(`const { Policy, Evaluator } = require('rolecall');\nconst { enforce } = require('rolecall/node');`);
  assert.equal(node(sdk, ['-e', cjsEnforce]), '200 400 unknown_action');
  const esmEnforce = enforceUse(
    `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nimport { Policy, Evaluator } from 'rolecall';\nimport { enforce } from 'rolecall/node';`,
  );
  assert.equal(node(sdk, ['--input-type=module', '-e', esmEnforce]), '200 400 unknown_action');
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

test('npm pack installs into an empty project, runs there and type-checks a Schema', () => {
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
    execFileSync(join(sdk, 'node_modules', '.bin', 'tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' });
    execFileSync(join(sdk, 'node_modules', '.bin', 'tsc'), ['-p', join(app, 'tsconfig.bundler.json')], { cwd: app, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
