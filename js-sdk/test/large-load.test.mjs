// A large directory compiles without a garbage-collection storm (issue 20: loading grew slower
// than linearly from a JS object). WebAssembly's allocator grew memory a page or two at a time,
// and with a large JavaScript heap alive every `memory.grow` made V8 run a full collection: a
// 300,000-assignment directory spent most of 12 s in the collector. The binding now grows the
// heap once ahead of a large input (crates/rolecall-wasm/src/heap.rs). The test counts full
// collections (`--trace-gc`) in a child process while 300,000 parsed assignments are alive, rather than
// timing anything; bench/js/large.mjs measures the time and memory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { examples } from './helpers.mjs';
import { join } from 'node:path';

const policyFile = join(examples, 'payments', 'policy.yaml');

const child = `
import { Evaluator, Policy } from 'rolecall';
import { readFileSync } from 'node:fs';
const policy = Policy.parse(readFileSync(process.argv[1], 'utf8'));
const scopes = [{ id: 'org', kind: 'organization' }];
for (let i = 0; i < 1000; i++) scopes.push({ id: 't' + i, parent: 'org', kind: 'subtenant' });
const assignments = [];
for (let i = 0; i < 300000; i++) assignments.push({ subject: 'u' + i, role: 'support', scope: 't' + (i % 1000) });
const keep = JSON.parse(JSON.stringify(assignments));

const text = JSON.stringify({ scopes, assignments });
globalThis.gc();
console.log('LOAD-START');
const ev = new Evaluator(policy, text);
console.log('LOAD-END', typeof ev.can('u7', 'refunds.create', 't7'), keep.length);
`;

test('compiling a 300,000-assignment directory beside a large JS heap runs few full collections', () => {
  const p = spawnSync(process.execPath, ['--expose-gc', '--trace-gc', '--input-type=module', '-e', child, policyFile], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(p.status, 0, p.stderr);
  const out = p.stdout;
  const during = out.slice(out.indexOf('LOAD-START'), out.indexOf('LOAD-END'));
  assert.match(out, /LOAD-END boolean 300000/);
  const full = during.split('\n').filter((l) => l.includes('Mark-Compact')).length;
  // Without the reservation: 39 on this machine, and 10 when it was 8x the text; 1 at 12x.
  assert.ok(full <= 3, `${full} full collections while compiling:\n${during.slice(0, 6000)}`);
});
