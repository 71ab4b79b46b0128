// The policy test files (examples/policies/*/tests.yaml and the SPEC vectors in tests/spec),
// run through the WebAssembly build: every case passes, and each report is identical to the one
// the native build writes (target/parity/reports.json).
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { runTestFile } from 'rolecall';
import { examples, fixture, read, repo } from './helpers.mjs';

const spec = join(repo, 'tests', 'spec');
const files = [
  ...readdirSync(examples).map((d) => join(examples, d, 'tests.yaml')),
  ...(existsSync(spec) ? readdirSync(spec).filter((f) => f.endsWith('.yaml')).map((f) => join(spec, f)) : []),
].filter((f) => existsSync(f));

test('every policy test file passes through WebAssembly, with the native reports', () => {
  const native = fixture('reports.json');
  let passed = 0;
  for (const file of files) {
    const dir = join(file, '..');
    const report = runTestFile(read(file), (p) => read(dir, p));
    const failures = report.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.actual}`);
    assert.deepEqual(failures, [], file);
    const key = Object.keys(native).find((k) => k === relative(repo, file));
    assert.ok(key, `no native report for ${file}`);
    assert.deepEqual(report, native[key], `${file}: reports differ from the native build`);
    passed += report.passed;
  }
  assert.ok(passed >= 159, `only ${passed} cases ran`);
  assert.equal(Object.keys(native).length, files.length, 'the native and JS runs saw different files');
  console.log(`policy test files: ${files.length} files, ${passed} cases passed through WebAssembly`);
});

test('a loader that throws becomes an io error naming the path', () => {
  const text = 'policy: ./missing.yaml\ndirectory: ./d.yaml\ncases: []\n';
  assert.throws(
    () => runTestFile(text, () => { throw new Error('no such file'); }),
    (e) => e.name === 'RolecallError' && e.code === 'io' && e.message.includes('missing.yaml'),
  );
});
