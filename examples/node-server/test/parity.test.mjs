// Parity: for every example subject (users and API keys), every action, every scope and every
// context, the server's enforcement (real HTTP), the subject's snapshot evaluated in Node, and
// the native CLI decide the same. Zero differences.
//
// - Server: `POST /api/scopes/:scope/actions/:action`, HTTP 200 or 403 with the reason code.
// - Snapshot: `Permissions.fromSnapshot(policy, GET /api/me/snapshot)`. At a scope the subject
//   cannot reach, the snapshot says `out_of_scope` by design (SPEC 5: the page must not learn
//   which scopes exist); the server must deny there too.
// - Native: every case in one generated policy test file run by `rolecall test` (one process),
//   and `rolecall check --json` (one process per query) on a rotating sample, messages included.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { Permissions, Policy } from 'rolecall';
import {
  actions,
  apiKeys,
  authFor,
  directoryFile,
  nativeCli,
  policyDoc,
  policyFile,
  policyText,
  request,
  scopes,
  startServer,
  users,
} from './helpers.mjs';

const contexts = [undefined, { country: 'CL' }, { country: 'MX' }];
const subjects = [...users, ...apiKeys];
const now = new Date().toISOString();
let server;
let rows;

/** Resource variants of an action: for maker-checker, made by someone else and by the subject. */
function resources(action, subject) {
  const attr = policyDoc.actions[action].distinct_from;
  return attr === undefined ? [undefined] : [{ [attr]: 'someone_else' }, { [attr]: subject }];
}

before(async () => {
  server = await startServer();
  const policy = Policy.parse(policyText);
  rows = [];
  for (const subject of subjects) {
    const headers = await authFor(server.url, subject);
    const snap = await request(server.url, 'GET', '/api/me/snapshot', { headers });
    assert.equal(snap.status, 200, `snapshot of ${subject}`);
    const permissions = Permissions.fromSnapshot(policy, snap.body);
    const reachable = new Set(snap.body.scopes.filter((s) => s.reachable !== false).map((s) => s.id));
    const queries = [];
    for (const action of actions)
      for (const scope of scopes)
        for (const context of contexts)
          for (const resource of resources(action, subject)) queries.push({ subject, action, scope, context, resource });
    // A few requests at a time: the server is one process on a shared machine.
    for (let i = 0; i < queries.length; i += 16) {
      await Promise.all(
        queries.slice(i, i + 16).map(async (q) => {
          const res = await request(server.url, 'POST', `/api/scopes/${q.scope}/actions/${q.action}`, {
            headers,
            body: { context: q.context, resource: q.resource },
          });
          const local = permissions.check(q.action, q.scope, { context: q.context, resource: q.resource, now });
          rows.push({ ...q, res, local, reachable: reachable.has(q.scope) });
        }),
      );
    }
  }
});

after(() => server?.stop());

const label = (r) =>
  `${r.subject} ${r.action} at ${r.scope}${r.context ? ` ${JSON.stringify(r.context)}` : ''}${r.resource ? ` ${JSON.stringify(r.resource)}` : ''}`;
const serverReason = (r) => (r.res.status === 200 ? r.res.body.reason : r.res.body?.error?.code);

test('the server answers 200 or 403 with a SPEC reason code, never an input error', () => {
  const odd = rows.filter((r) => !(r.res.status === 200 && r.res.body.allowed === true) && r.res.status !== 403);
  assert.deepEqual(odd.map(label), []);
  const makerChecker = actions.filter((a) => policyDoc.actions[a].distinct_from !== undefined).length;
  assert.equal(rows.length, subjects.length * scopes.length * contexts.length * (actions.length + makerChecker));
});

test('the snapshot in Node decides as the server at every reachable scope', () => {
  const diffs = rows
    .filter((r) => r.reachable)
    .filter((r) => r.local.allowed !== (r.res.status === 200) || r.local.reason !== serverReason(r))
    .map((r) => `${label(r)}: server ${r.res.status} ${serverReason(r)}, snapshot ${r.local.reason}`);
  assert.deepEqual(diffs, []);
});

test('at a scope the subject cannot reach, the snapshot says out_of_scope and the server denies', () => {
  const unreachable = rows.filter((r) => !r.reachable);
  assert.ok(unreachable.length > 0, 'some subjects reach only part of the tree');
  const diffs = unreachable
    .filter((r) => r.local.reason !== 'out_of_scope' || r.res.status !== 403)
    .map((r) => `${label(r)}: server ${r.res.status} ${serverReason(r)}, snapshot ${r.local.reason}`);
  assert.deepEqual(diffs, []);
});

test('the native CLI decides every case as the server (one generated policy test file)', () => {
  const bin = nativeCli();
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-parity-'));
  try {
    const cases = rows.map((r) => ({
      name: label(r),
      query: { subject: r.subject, action: r.action, scope: r.scope, context: r.context, resource: r.resource, ...(apiKeys.includes(r.subject) ? { now } : {}) },
      expect: r.res.status === 200 ? 'allow' : 'deny',
      reason: serverReason(r),
    }));
    const file = join(dir, 'parity.json');
    const tests = cases.map(({ refused, ...c }) => c);
    writeFileSync(file, JSON.stringify({ policy: policyFile, directory: directoryFile, cases: tests }));
    const run = spawnSync(bin, ['test', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(run.stdout + run.stderr);
    assert.ok(summary, `no summary from rolecall test: ${run.stdout}${run.stderr}`);
    assert.equal(Number(summary[2]), 0, (run.stdout + run.stderr).split('\n').slice(0, 20).join('\n'));
    assert.equal(Number(summary[1]), cases.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`rolecall check --json` gives the server\'s decision and message (a rotating sample)', async () => {
  const bin = nativeCli();
  const run = promisify(execFile);
  // One scope per (subject, action), rotating; no context; maker-checker made by someone else.
  const sample = rows.filter(
    (r) =>
      r.context === undefined &&
      r.scope === scopes[(subjects.indexOf(r.subject) + actions.indexOf(r.action)) % scopes.length] &&
      (r.resource === undefined || Object.values(r.resource)[0] === 'someone_else'),
  );
  assert.ok(sample.length >= subjects.length * actions.length, `${sample.length} sampled`);
  const diffs = [];
  const check = async (r) => {
    const args = ['check', policyFile, '-d', directoryFile, '-s', r.subject, '-a', r.action, '--scope', r.scope, '--json', '--now', now];
    for (const [k, v] of Object.entries(r.resource ?? {})) args.push('-r', `${k}=${v}`);
    let out;
    try {
      out = (await run(bin, args)).stdout;
    } catch (e) {
      out = e.stdout; // exit status 2: denied
    }
    const native = JSON.parse(out);
    const served = r.res.status === 200 ? r.res.body : { allowed: false, reason: r.res.body.error.code, message: r.res.body.error.message };
    if (native.allowed !== served.allowed || native.reason !== served.reason || native.message !== served.message) {
      diffs.push(`${label(r)}: native ${native.reason} "${native.message}", server ${served.reason} "${served.message}"`);
    }
  };
  for (let i = 0; i < sample.length; i += 2) await Promise.all(sample.slice(i, i + 2).map(check));
  assert.deepEqual(diffs, []);
});

test('canAssign: the server\'s role options equal the native CLI\'s for every actor', async () => {
  const bin = nativeCli();
  const targets = ['fiona', 'paula', 'newcomer'];
  const cases = [];
  for (const actor of users) {
    const headers = await authFor(server.url, actor);
    for (const subject of targets)
      for (const scope of scopes) {
        const res = await request(server.url, 'POST', '/api/assignments/options', { headers, body: { subject, scope } });
        if (res.status === 403) {
          // An actor who may not assign at this scope is refused as a guard refuses, before any
          // role is weighed: the CLI must deny every role there too.
          for (const role of Object.keys(policyDoc.roles)) {
            cases.push({ name: `${actor} assigns ${role} to ${subject} at ${scope}`, assign: { actor, subject, role, scope }, expect: 'deny', refused: res.body.error.code });
          }
          continue;
        }
        assert.equal(res.status, 200);
        for (const { role, decision } of res.body.roles) {
          cases.push({
            name: `${actor} assigns ${role} to ${subject} at ${scope}`,
            assign: { actor, subject, role, scope },
            expect: decision.allowed ? 'allow' : 'deny',
            reason: decision.reason,
          });
        }
      }
  }
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-assign-'));
  try {
    const file = join(dir, 'assign.json');
    const tests = cases.map(({ refused, ...c }) => c);
    writeFileSync(file, JSON.stringify({ policy: policyFile, directory: directoryFile, cases: tests }));
    const run = spawnSync(bin, ['test', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(run.stdout + run.stderr);
    assert.ok(summary, run.stdout + run.stderr);
    assert.equal(Number(summary[2]), 0, (run.stdout + run.stderr).split('\n').slice(0, 20).join('\n'));
    assert.equal(Number(summary[1]), users.length * targets.length * scopes.length * Object.keys(policyDoc.roles).length);
    // Every reason of SPEC 4 shows up at least once in this directory.
    const reasons = new Set(cases.map((c) => c.reason ?? c.refused));
    for (const r of ['granted', 'not_assignable', 'scope_kind_not_allowed', 'missing_permission', 'escalation', 'max_holders_reached', 'exclusive_roles']) {
      assert.ok(reasons.has(r), `no case ended in ${r}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
