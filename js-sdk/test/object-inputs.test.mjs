// Objects given where text is accepted (a policy, a directory, a snapshot) cross as their
// `JSON.stringify` text (issue 13: reading them with serde-wasm-bindgen was slower, measured in
// bench/results.md "Object inputs"), so a malformed object is refused with the same code and
// path as the same document given as text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError } from 'rolecall';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const evaluator = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));

/** The error `f(input)` throws, as `{ code, path, origin }`. */
function refusal(f, input) {
  try {
    f(input);
  } catch (e) {
    assert.ok(e instanceof RolecallError, String(e));
    return { code: e.code, path: e.path, origin: e.origin };
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

test('a malformed policy, directory or snapshot object is refused as the same text is', () => {
  const directory = evaluator.directory();
  const snapshot = evaluator.snapshot('olga');
  const cases = [
    [(d) => Policy.parse(d), { rolecall: 1, resources: { refunds: {} }, roles: { ops: { includes: ['viewr'] } } }],
    [(d) => Policy.parse(d), { rolecall: 1, resorces: {} }],
    [(d) => new Evaluator(policy, d), { ...directory, assignments: [{ subject: 'zoe', role: 'nope', scope: 'org' }] }],
    [(d) => new Evaluator(policy, d), { ...directory, assignments: [{ subject: 'zoe', role: 'support' }] }],
    [(d) => new Evaluator(policy, d), { ...directory, scopes: [{ id: 'org', parent: 'org' }] }],
    [(d) => Permissions.fromSnapshot(policy, d), { ...snapshot, assignments: [[snapshot.assignments[0][1], 0]] }],
    [(d) => Permissions.fromSnapshot(policy, d), { ...snapshot, policy_hash: 'stale' }],
  ];
  for (const [f, doc] of cases) {
    const asObject = refusal(f, doc);
    assert.deepEqual(asObject, refusal(f, JSON.stringify(doc)), JSON.stringify(doc).slice(0, 120));
    assert.notEqual(asObject.code, 'internal');
  }
});

// A directory object is written into WebAssembly memory a list item at a time (src/parts.ts), in
// parts of 64 Ki UTF-16 units: the text must be JSON.stringify's, whatever the boundaries.
test('a large directory object loads as its JSON.stringify text does, errors at the same path', () => {
  const base = evaluator.directory();
  const many = Array.from({ length: 30_000 }, (_, i) => ({ subject: `s${i}\u00e9`, role: 'support', scope: 'acme-cl', extra: undefined }));
  const doc = { ...base, note: undefined, assignments: [...base.assignments, ...many] };
  const fromObject = new Evaluator(policy, doc);
  const fromText = new Evaluator(policy, JSON.stringify(doc));
  assert.deepEqual(fromObject.directory(), fromText.directory());
  assert.equal(fromObject.can('s29999\u00e9', 'refunds.create', 'acme-cl'), fromText.can('s29999\u00e9', 'refunds.create', 'acme-cl'));
  // An error far into the list, past several parts; a hole (null) and a BigInt, as the text has them.
  const bad = structuredClone(doc);
  bad.assignments[25_000].role = 'nope';
  assert.deepEqual(refusal((d) => new Evaluator(policy, d), bad), refusal((d) => new Evaluator(policy, d), JSON.stringify(bad)));
  const holed = { ...doc, assignments: [...doc.assignments] };
  delete holed.assignments[20_000];
  assert.deepEqual(refusal((d) => new Evaluator(policy, d), holed), refusal((d) => new Evaluator(policy, d), JSON.stringify(holed)));
  const big = { ...doc, assignments: [...doc.assignments.slice(0, 20_000), { subject: 'x', role: 'support', scope: 'org', n: 1n }] };
  assert.equal(refusal((d) => new Evaluator(policy, d), big).code, 'invalid_value');
  const cyclic = { ...base, assignments: [...base.assignments] };
  cyclic.assignments.push({ subject: 'x', role: 'support', scope: 'org', self: cyclic });
  assert.deepEqual(refusal((d) => new Evaluator(policy, d), cyclic), { code: 'invalid_value', path: 'directory', origin: undefined });
  // An object with its own toJSON is written by JSON.stringify whole.
  const custom = { toJSON: () => base };
  assert.deepEqual(new Evaluator(policy, custom).directory(), base);
  for (const e of [fromObject, fromText]) e.free();
});

// Text crosses into WebAssembly as UTF-8 in slices of 64 Ki UTF-16 units (src/parts.ts
// `pushText`), each encoded alone: a surrogate pair on a slice's edge must arrive whole.
test('a directory text arrives whole whatever stands on the edges of its slices', () => {
  const name = '\u{1F600}\u00e9\u4e2d';
  const lead = '{"scopes":[{"id":"org","kind":"organization"}],"assignments":[{"role":"support","scope":"org","subject":';
  // The pair's first half at the last unit of a slice, across the edge, at the first unit.
  for (const at of [65_534, 65_535, 65_536, 131_071]) {
    const text = `${lead}${' '.repeat(at - lead.length - 1)}"${name}"}]}`;
    assert.equal(text.charCodeAt(at), 0xd83d);
    const e = new Evaluator(policy, text);
    assert.equal(e.directory().assignments[0].subject, name, `at ${at}`);
    assert.equal(e.can(name, 'refunds.create', 'org'), true);
    e.free();
  }
});
