// rolecall/postgres against a real PostgreSQL (a throwaway cluster: tests/support/postgres.mjs)
// and against PGlite (PostgreSQL in process): persistence across reopen, a change cut off
// mid-transaction leaves nothing, two instances agree within the bound, a max_holders race has
// one winner, a dropped LISTEN connection loses no change, replaying the log gives the same
// decisions; custom roles defined, assigned, redefined and removed survive reopening, reach a
// second instance and show in history and export. About 10 s, most of it starting PostgreSQL
// and PGlite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Evaluator, Policy, RolecallError } from 'rolecall';
import { createTables, migrations, open, StoreError, tablesOf } from 'rolecall/postgres';
import { startPostgres } from '../../tests/support/postgres.mjs';

const policy = Policy.parse(`
rolecall: 1
levels: { view: {}, manage: { implies: [view] } }
resources:
  refunds: { levels: [view, manage] }
  users: { levels: [view, manage] }
actions:
  refunds.view: { requires: refunds:view }
  refunds.create: { requires: refunds:manage }
  users.manage: { requires: users:manage }
roles:
  viewer: { grants: { refunds: [view] } }
  support: { grants: { refunds: [manage] } }
  admin: { grants: { users: [manage], refunds: [manage] } }
  owner: { grants: { users: [manage] }, max_holders: 1 }
administration:
  assign_requires: users:manage
`);

const seed = {
  scopes: [{ id: 'org' }, { id: 'acme-cl', parent: 'org' }, { id: 'acme-mx', parent: 'org' }],
  assignments: [
    { subject: 'ada', role: 'admin', scope: 'org' },
    { subject: 'vic', role: 'viewer', scope: 'org' },
  ],
};

const fiona = { subject: 'fiona', role: 'support', scope: 'acme-cl' };

/** A custom role for one tenant (ada, admin at org, may define it; vic may not). */
const desk = { id: 'refund_desk', label: 'Refund desk', scope: 'acme-cl', grants: { refunds: ['manage'] } };
const fionaDesk = { subject: 'fiona', role: 'refund_desk', scope: 'acme-cl' };

/** Waits until `f()` is true, polling every 5 ms; the elapsed ms, or a failure after `ms`. */
async function within(ms, f, what) {
  const start = performance.now();
  while (!f()) {
    if (performance.now() - start > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
}

/** Every subject x scope x action decision of an evaluator, as one comparable list. */
function decisions(e) {
  const out = [];
  for (const s of ['ada', 'vic', 'fiona', 'sam', 'u0', 'u1', 'u2', 'u3']) {
    for (const scope of ['org', 'acme-cl', 'acme-mx']) {
      for (const a of ['refunds.view', 'refunds.create', 'users.manage']) out.push(`${s} ${scope} ${a} ${e.can(s, a, scope)}`);
    }
  }
  return out;
}

/** The tests every engine passes; `engine` makes clients on one database. */
function suite(name, engine) {
  describe(name, () => {
    let db;
    before(async () => {
      db = await engine.start();
    });
    after(async () => {
      await db?.stop();
    });

    test('seeded on first open; a role given survives closing and reopening; the version persists', async () => {
      const client = await db.client();
      const s1 = await open({ policy, client, seed, prefix: 'p1_' });
      assert.equal(s1.version, 1);
      assert.equal(s1.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false);
      const r = await s1.apply({ kind: 'assignment', add: fiona }, { actor: 'ada', check: true });
      assert.equal(r.version, 2);
      assert.match(r.id, /^a_[0-9a-f]{16}$/);
      assert.deepEqual(r.diff.gained, ['refunds.view', 'refunds.create']);
      assert.equal(s1.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true, 'the writer reads its own write at once');
      await s1.close();
      await db.release(client);

      const again = await db.client({ reopen: true });
      // The seed is not imported again: the database already holds a directory.
      const s2 = await open({ policy, client: again, seed, prefix: 'p1_' });
      assert.equal(s2.version, 2);
      assert.equal(s2.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true);
      const history = await s2.history({ subject: 'fiona' });
      assert.equal(history.length, 1);
      assert.equal(history[0].actor, 'ada');
      assert.equal(history[0].change.add.id, r.id);
      // Removed by id, never by position.
      const removed = await s2.apply({ kind: 'assignment', remove: r.id }, { actor: 'ada' });
      assert.equal(removed.version, 3);
      assert.deepEqual(removed.diff.lost, ['refunds.view', 'refunds.create']);
      assert.equal(s2.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false);
      const exported = await s2.export();
      assert.deepEqual(exported.assignments.map((a) => a.subject), ['ada', 'vic']);
      await s2.close();
      await db.release(again);
    });

    test('a load keeps directory order: a reopened store exports the document it was given, changes in place', async () => {
      const client = await db.client();
      // Subjects out of id and name order, and enough rows that the engine would rather sort.
      const many = Array.from({ length: 3000 }, (_, i) => ({ subject: `u${(i * 7919) % 3000}`, role: 'viewer', scope: ['acme-mx', 'org', 'acme-cl'][i % 3] }));
      const s = await open({ policy, client, seed: { ...seed, assignments: [...seed.assignments, ...many] }, prefix: 'po_' });
      const given = s.evaluator.directory();
      const gone = given.assignments[1500];
      await s.apply({ kind: 'assignment', remove: gone.id });
      const added = await s.apply({ kind: 'assignment', add: fiona });
      await s.close();
      // The rows in the order written: the removed one gone from its place, the new one last.
      // (Not the writer's evaluator.directory(): its live removal moves the last assignment into
      // the hole.)
      const expected = { ...given, assignments: [...given.assignments.filter((a) => a.id !== gone.id), { id: added.id, ...fiona }] };
      const again = await db.client();
      const s2 = await open({ policy, client: again, prefix: 'po_' });
      assert.deepEqual(s2.evaluator.directory(), expected, 'the loaded directory, in order');
      assert.deepEqual(await s2.export(), expected, 'the export');
      assert.equal(expected.assignments.length, 3002);
      assert.deepEqual(expected.assignments.at(-1).subject, 'fiona');
      await s2.close();
      await db.release(client);
      await db.release(again);
    });

    test("the application's own tables: views with the store's names over them, written through triggers", async () => {
      const client = await db.client();
      // The application already keeps its tenants and its members' roles, in its own shape.
      for (const statement of [
        `CREATE TABLE tenants (n bigserial, tenant_id text PRIMARY KEY, parent_id text REFERENCES tenants)`,
        `INSERT INTO tenants (tenant_id, parent_id) VALUES ('org', NULL), ('acme-cl', 'org'), ('acme-mx', 'org')`,
        `CREATE TABLE members (n bigserial, member_id text PRIMARY KEY, user_name text NOT NULL, role_name text NOT NULL, tenant text NOT NULL REFERENCES tenants)`,
        `INSERT INTO members (member_id, user_name, role_name, tenant) VALUES ('m1', 'ada', 'admin', 'org'), ('m2', 'vic', 'viewer', 'acme-mx')`,
      ]) {
        await client.query(statement);
      }
      // The store's tables, created without loading...
      // Arguments are RolecallErrors (invalid_value, with the path), as everywhere in the SDK.
      const refused = (path, message) => (e) => e instanceof RolecallError && e.code === 'invalid_value' && e.path === path && message.test(e.message);
      await assert.rejects(createTables(null), refused('options', /takes `\{ client, prefix\? \}`/));
      await assert.rejects(createTables({ client: {} }), refused('client', /must be a pg.Pool or a PGlite database/));
      await assert.rejects(createTables({ client, prefix: 'Bad-' }), refused('prefix', /lower-case/));
      await assert.rejects(open(undefined), refused('options', /takes/));
      await assert.rejects(open({ policy: 'x', client }), refused('policy', /must be a Policy/));
      await createTables({ client, prefix: 'pa_' });
      // ...then its scopes and assignments become views over the application's tables, with the
      // store's columns (position, id, the filter columns, doc), written through triggers.
      for (const statement of [
        'DROP TABLE pa_scopes',
        `CREATE VIEW pa_scopes AS SELECT n AS position, tenant_id AS id,
           json_strip_nulls(json_build_object('id', tenant_id, 'parent', parent_id)) AS doc FROM tenants`,
        'DROP TABLE pa_assignments',
        `CREATE VIEW pa_assignments AS SELECT n AS position, member_id AS id, user_name AS subject, role_name AS role, tenant AS scope,
           json_build_object('id', member_id, 'subject', user_name, 'role', role_name, 'scope', tenant) AS doc FROM members`,
        `CREATE FUNCTION pa_assignments_write() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'INSERT' THEN
             INSERT INTO members (member_id, user_name, role_name, tenant) VALUES (NEW.id, NEW.subject, NEW.role, NEW.scope);
             RETURN NEW;
           END IF;
           DELETE FROM members WHERE member_id = OLD.id;
           RETURN OLD;
         END $$`,
        `CREATE TRIGGER pa_assignments_write INSTEAD OF INSERT OR DELETE ON pa_assignments FOR EACH ROW EXECUTE FUNCTION pa_assignments_write()`,
      ]) {
        await client.query(statement);
      }
      const s = await open({ policy, client, prefix: 'pa_' });
      assert.equal(s.evaluator.can('vic', 'refunds.view', 'acme-mx'), true, "loaded from the application's rows");
      assert.equal(s.evaluator.can('ada', 'users.manage', 'acme-cl'), true);
      const given = await s.apply({ kind: 'assignment', add: fiona }, { actor: 'ada', check: true });
      assert.equal(s.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true);
      const rows = async () => (await client.query('SELECT member_id, user_name, role_name, tenant FROM members ORDER BY n')).rows;
      assert.deepEqual((await rows()).at(-1), { member_id: given.id, user_name: 'fiona', role_name: 'support', tenant: 'acme-cl' }, 'written to the application table');
      await s.apply({ kind: 'assignment', remove: 'm2' }, { actor: 'ada', check: true });
      assert.deepEqual((await rows()).map((r) => r.member_id), ['m1', given.id]);
      await s.close();
      // A write outside the store (the application's own code) is read at the next load.
      await client.query(`INSERT INTO members (member_id, user_name, role_name, tenant) VALUES ('m9', 'sam', 'support', 'acme-mx')`);
      const s2 = await open({ policy, client, prefix: 'pa_' });
      assert.equal(s2.evaluator.can('vic', 'refunds.view', 'acme-mx'), false);
      assert.equal(s2.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true);
      assert.equal(s2.evaluator.can('sam', 'refunds.create', 'acme-mx'), true);
      assert.deepEqual((await s2.export()).assignments.map((a) => a.id), ['m1', given.id, 'm9']);
      const history = await s2.history({ subject: 'fiona' });
      assert.equal(history[0].actor, 'ada');
      await s2.close();
      await db.release(client);
    });

    test('bad changes are refused with the reason, and write nothing', async () => {
      const client = await db.client();
      const s = await open({ policy, client, seed, prefix: 'p2_' });
      await assert.rejects(s.apply({ kind: 'assignment', add: { subject: 'x', role: 'nope', scope: 'org' } }), (e) => e instanceof RolecallError && e.code === 'unknown_role');
      await assert.rejects(s.apply({ kind: 'assignment', remove: 'a_missing' }), (e) => e instanceof RolecallError && e.code === 'unknown_assignment');
      await assert.rejects(s.apply({ kind: 'scope', add: {} }), (e) => e instanceof RolecallError && e.path === 'kind');
      await assert.rejects(s.apply({ kind: 'role', add: desk, remove: 'x' }), (e) => e instanceof RolecallError && e.path === 'remove');
      await assert.rejects(s.apply({ kind: 'role', add: { scope: 'org' } }), (e) => e instanceof RolecallError && e.path === 'add.id');
      await assert.rejects(s.apply({ kind: 'assignment', remove: 'a_x', removeAssignments: true }), (e) => e instanceof RolecallError && e.path === 'removeAssignments');
      await assert.rejects(s.apply({ kind: 'role', remove: 'refund_desk', removeAssignments: 'yes' }), (e) => e instanceof RolecallError && e.path === 'removeAssignments');
      await assert.rejects(s.apply({ kind: 'role', remove: 'nope' }), (e) => e instanceof RolecallError && e.code === 'unknown_role');
      await assert.rejects(s.apply({ kind: 'role', add: { ...desk, grants: { nope: ['view'] } } }), (e) => e instanceof RolecallError && e.code === 'unknown_resource');
      await assert.rejects(
        s.apply({ kind: 'role', add: desk }, { actor: 'vic', check: true }),
        (e) => e instanceof StoreError && e.code === 'not_allowed' && e.decision.reason === 'missing_permission',
      );
      await assert.rejects(
        s.apply({ kind: 'assignment', add: fiona }, { actor: 'vic', check: true }),
        (e) => e instanceof StoreError && e.code === 'not_allowed' && e.decision.allowed === false,
      );
      assert.equal(s.version, 1);
      assert.equal((await s.history()).length, 1, 'only the seed import');
      await s.close();
      await db.release(client);
    });

    test('a change cut off mid-transaction leaves nothing, in the database or the evaluator', async () => {
      const client = await db.client();
      const s = await open({ policy, client, seed, prefix: 'p3_' });
      // The database fails the change-log insert, after the item row was written.
      await client.query(`CREATE FUNCTION p3_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.actor = 'crash' THEN RAISE EXCEPTION 'cut off'; END IF; RETURN NEW; END $$`);
      await client.query('CREATE TRIGGER p3_fail BEFORE INSERT ON p3_changes FOR EACH ROW EXECUTE FUNCTION p3_fail()');
      await assert.rejects(s.apply({ kind: 'assignment', add: fiona }, { actor: 'crash' }), (e) => e instanceof StoreError && e.code === 'store_unavailable' && /cut off/.test(e.message));
      assert.equal(s.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false);
      assert.equal(s.version, 1);
      const rows = await client.query("SELECT count(*)::int AS n FROM p3_assignments WHERE subject = 'fiona'");
      assert.equal(rows.rows[0].n, 0);
      // And the store still writes.
      await s.apply({ kind: 'assignment', add: fiona }, { actor: 'ada' });
      assert.equal(s.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true);

      // Custom roles: a cut-off definition, redefinition or removal is undone on the evaluator.
      await assert.rejects(s.apply({ kind: 'role', add: desk }, { actor: 'crash' }), (e) => e instanceof StoreError);
      assert.equal(s.evaluator.directory().roles, undefined, 'the new role was taken back');
      await s.apply({ kind: 'role', add: desk }, { actor: 'ada' });
      await s.apply({ kind: 'assignment', add: { ...fionaDesk, subject: 'sam' } }, { actor: 'ada' });
      await assert.rejects(s.apply({ kind: 'role', add: { ...desk, grants: { refunds: ['view'] } } }, { actor: 'crash' }), (e) => e instanceof StoreError);
      assert.equal(s.evaluator.can('sam', 'refunds.create', 'acme-cl'), true, 'the old definition is back');
      await assert.rejects(s.apply({ kind: 'role', remove: desk.id, removeAssignments: true }, { actor: 'crash' }), (e) => e instanceof StoreError);
      assert.equal(s.evaluator.can('sam', 'refunds.create', 'acme-cl'), true, 'the role and its assignment are back');
      assert.deepEqual(s.evaluator.directory().roles, [desk]);
      const held = await client.query("SELECT count(*)::int AS n FROM p3_assignments WHERE role = 'refund_desk'");
      assert.equal(held.rows[0].n, 1);
      await s.close();
      await db.release(client);
    });

    test('two instances: a change through one is seen by the other within the bound; a max_holders race has one winner', async () => {
      const [c1, c2] = [await db.client(), await db.client()];
      const s1 = await open({ policy, client: c1, seed, prefix: 'p4_' });
      const s2 = await open({ policy, client: c2, seed, prefix: 'p4_' });
      await s1.apply({ kind: 'assignment', add: fiona });
      const ms = await within(engine.boundMs, () => s2.evaluator.can('fiona', 'refunds.create', 'acme-cl'), 'the role given through s1 is enforced by s2');
      assert.ok(ms < engine.boundMs);
      const attempts = Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? s1 : s2).apply({ kind: 'assignment', add: { subject: `u${i}`, role: 'owner', scope: 'org' } }),
      );
      const results = await Promise.allSettled(attempts);
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, 'exactly one owner');
      for (const r of results.filter((x) => x.status === 'rejected')) assert.equal(r.reason.code, 'max_holders_exceeded');
      const owners = await c1.query("SELECT count(*)::int AS n FROM p4_assignments WHERE role = 'owner'");
      assert.equal(owners.rows[0].n, 1);
      await within(engine.boundMs, () => s1.version === s2.version, 'both instances at one version');
      assert.deepEqual(decisions(s1.evaluator), decisions(s2.evaluator));
      await s1.close();
      await s2.close();
      await db.release(c1);
      await db.release(c2);
    });

    test('custom roles: defined, assigned and redefined survive reopening, reach a second instance, show in history and export; removal with or without the assignments', async () => {
      const client = await db.client();
      const s1 = await open({ policy, client, seed, prefix: 'p7_' });
      const defined = await s1.apply({ kind: 'role', add: desk }, { actor: 'ada', check: true });
      assert.deepEqual(
        [defined.version, defined.id, defined.replaced, defined.diff],
        [2, 'refund_desk', false, { subject: 'refund_desk', scope: 'acme-cl', gained: [], lost: [], holders: [] }],
      );
      // An assignment of the custom role, written to the database: the next load must know the role.
      await s1.apply({ kind: 'assignment', add: fionaDesk }, { actor: 'ada', check: true });
      assert.equal(s1.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true);
      // A redefinition changes every holder's access at once, and says so.
      const narrowed = await s1.apply({ kind: 'role', add: { ...desk, grants: { refunds: ['view'] } } }, { actor: 'ada', check: true });
      assert.equal(narrowed.replaced, true);
      assert.deepEqual(narrowed.diff.holders, [{ subject: 'fiona', scope: 'acme-cl', gained: [], lost: ['refunds.create'] }]);
      assert.equal(s1.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false);
      await s1.close();
      await db.release(client);

      const again = await db.client({ reopen: true });
      const s2 = await open({ policy, client: again, seed, prefix: 'p7_' });
      const s3 = await open({ policy, client: again, seed, prefix: 'p7_' });
      assert.equal(s2.version, 4);
      assert.equal(s2.evaluator.can('fiona', 'refunds.view', 'acme-cl'), true, 'the role and its assignment loaded');
      assert.equal(s2.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false, 'as redefined');
      const history = await s2.history({ subject: 'refund_desk' });
      assert.deepEqual(history.map((h) => [h.version, h.actor, h.scope, h.change.kind]), [[4, 'ada', 'acme-cl', 'role'], [2, 'ada', 'acme-cl', 'role']]);
      assert.deepEqual(history[0].change.removed.grants, { refunds: ['manage'] }, 'the log keeps the replaced definition');
      assert.deepEqual(history[0].diff.holders[0].lost, ['refunds.create']);
      const exported = await s2.export();
      assert.deepEqual(exported.roles, [{ ...desk, grants: { refunds: ['view'] } }]);
      assert.ok(exported.assignments.some((a) => a.role === 'refund_desk' && a.subject === 'fiona'));

      // Still assigned: refused, nothing written.
      await assert.rejects(s2.apply({ kind: 'role', remove: desk.id }, { actor: 'ada' }), (e) => e instanceof RolecallError && e.code === 'role_in_use');
      assert.equal(s2.version, 4);
      // With its assignments: both go, in the database and on every instance.
      const gone = await s2.apply({ kind: 'role', remove: desk.id, removeAssignments: true }, { actor: 'ada', check: true });
      assert.equal(gone.version, 5);
      assert.deepEqual(gone.diff.holders, [{ subject: 'fiona', scope: 'acme-cl', gained: [], lost: ['refunds.view'] }]);
      const rows = await again.query("SELECT (SELECT count(*)::int FROM p7_assignments WHERE role = 'refund_desk') AS held, (SELECT count(*)::int FROM p7_roles) AS roles");
      assert.deepEqual(rows.rows[0], { held: 0, roles: 0 });
      const [removal] = await s2.history({ subject: 'refund_desk', limit: 1 });
      assert.deepEqual(removal.change.removedAssignments.map((a) => a.subject), ['fiona']);
      await within(engine.boundMs, () => s3.version === 5, 'the second instance replays the removal');
      assert.equal(s3.evaluator.can('fiona', 'refunds.view', 'acme-cl'), false);
      assert.equal(s3.evaluator.directory().roles, undefined);
      assert.deepEqual(decisions(s2.evaluator), decisions(s3.evaluator));
      assert.equal((await s2.export()).roles, undefined);

      // Unassigned: removed without asking for its assignments.
      await s2.apply({ kind: 'role', add: desk }, { actor: 'ada' });
      const plain = await s2.apply({ kind: 'role', remove: desk.id }, { actor: 'ada' });
      assert.equal(plain.changed, true);
      assert.equal(s2.evaluator.directory().roles, undefined);
      await s2.close();
      await s3.close();
      await db.release(again);
    });

    test('a database made before custom roles (migration 1 only) gains their table when opened', async () => {
      const client = await db.client();
      const t = tablesOf('p8_');
      await client.query(`CREATE TABLE ${t.migrations} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const statement of migrations(t)[0].split(';').filter((x) => x.trim() !== '')) await client.query(statement);
      await client.query(`INSERT INTO ${t.migrations} (version) VALUES (1)`);
      const s = await open({ policy, client, seed, prefix: 'p8_' });
      const applied = await client.query(`SELECT version FROM ${t.migrations} ORDER BY version`);
      // Every later migration: 2 (custom roles), 3 (the position indexes a load reads through).
      assert.deepEqual(applied.rows.map((r) => r.version), [1, 2, 3]);
      await s.apply({ kind: 'role', add: desk }, { actor: 'ada', check: true });
      await s.apply({ kind: 'assignment', add: fionaDesk }, { actor: 'ada', check: true });
      await s.reload();
      assert.equal(s.evaluator.can('fiona', 'refunds.create', 'acme-cl'), true);
      await s.close();
      await db.release(client);
    });

    test("a role change lists its holders' gains and losses up to 1000 assignments, none beyond", async () => {
      const client = await db.client();
      const holders = (n) => Array.from({ length: n }, (_, i) => ({ subject: `h${i}`, role: 'refund_desk', scope: 'acme-cl' }));
      const s = await open({ policy, client, seed: { ...seed, roles: [desk], assignments: [...seed.assignments, ...holders(1001)] }, prefix: 'p9_' });
      const many = await s.apply({ kind: 'role', add: { ...desk, grants: { refunds: ['view'] } } });
      assert.equal(many.diff.holders, undefined, '1001 holders: not listed');
      assert.equal(s.evaluator.can('h1000', 'refunds.create', 'acme-cl'), false);
      const gone = await s.apply({ kind: 'role', remove: desk.id, removeAssignments: true });
      assert.equal(gone.diff.holders, undefined);
      const left = await client.query('SELECT count(*)::int AS n FROM p9_assignments');
      assert.equal(left.rows[0].n, 2, 'all 1001 assignments deleted with the role');
      await s.import({ ...seed, roles: [desk], assignments: holders(1000) });
      const listed = await s.apply({ kind: 'role', add: { ...desk, grants: { refunds: ['view'] } } });
      assert.equal(listed.replaced, true, 'the import wrote the role to its table');
      assert.equal(listed.diff.holders.length, 1000);
      assert.deepEqual(listed.diff.holders[999], { subject: 'h999', scope: 'acme-cl', gained: [], lost: ['refunds.create'] });
      await s.close();
      await db.release(client);
    });

    test('replaying every change-log row on an empty directory gives the same decisions', async () => {
      const client = await db.client();
      const s = await open({ policy, client, seed, prefix: 'p5_' });
      const a = await s.apply({ kind: 'assignment', add: fiona });
      await s.apply({ kind: 'assignment', add: { subject: 'sam', role: 'viewer', scope: 'acme-mx' } });
      await s.apply({ kind: 'grant', add: { subject: 'u1', action: 'users.manage', scope: 'acme-cl' } });
      await s.apply({ kind: 'assignment', remove: a.id, add: { ...fiona, role: 'viewer' } });
      await s.apply({ kind: 'api_key', add: { id: 'k1', owner: 'ada', scope: 'org', permissions: ['refunds:view'] } });
      // Custom roles: defined, assigned, redefined; another removed with its assignment.
      await s.apply({ kind: 'role', add: desk });
      await s.apply({ kind: 'assignment', add: { ...fionaDesk, subject: 'u2' } });
      await s.apply({ kind: 'role', add: { ...desk, grants: { refunds: ['view'] } } });
      await s.apply({ kind: 'role', add: { id: 'user_desk', scope: 'org', grants: { users: ['manage'] } } });
      await s.apply({ kind: 'assignment', add: { subject: 'u3', role: 'user_desk', scope: 'acme-mx' } });
      await s.apply({ kind: 'role', remove: 'user_desk', removeAssignments: true });
      const { rows } = await client.query('SELECT version, change FROM p5_changes ORDER BY version');
      const replayed = new Evaluator(policy, { scopes: seed.scopes });
      let e = replayed;
      for (const r of rows) {
        const c = typeof r.change === 'string' ? JSON.parse(r.change) : r.change;
        if (c.kind === 'import') {
          e = new Evaluator(policy, c.directory);
          continue;
        }
        const [remove, add] = {
          assignment: [(id) => e.removeAssignment(id), (x) => e.addAssignment(x)],
          grant: [(id) => e.removeGrant(id), (x) => e.addGrant(x)],
          api_key: [(id) => e.removeApiKey(id), (x) => e.addApiKey(x)],
          role: [(id) => e.removeRole(id, { removeAssignments: c.removeAssignments }), (x) => e.defineRole(x)],
        }[c.kind];
        if (c.remove !== undefined) remove(c.remove);
        if (c.add !== undefined) add(c.add);
      }
      assert.equal(rows.length, 12);
      assert.deepEqual(decisions(e), decisions(s.evaluator));
      assert.equal(s.evaluator.can('u2', 'refunds.view', 'acme-cl'), true);
      assert.equal(s.evaluator.can('u3', 'users.manage', 'acme-mx'), false);
      assert.equal(s.evaluator.can('fiona', 'refunds.view', 'acme-cl'), true);
      assert.equal(s.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false);
      await s.close();
      await db.release(client);
    });
  });
}

/** One cluster for every PostgreSQL test but the one that stops it (tables apart by prefix). */
let sharedServer;
before(async () => {
  sharedServer = await startPostgres();
});
after(() => sharedServer?.stop());

suite('PostgreSQL', {
  boundMs: 1000,
  async start() {
    const server = sharedServer;
    const pools = new Set();
    return {
      server,
      async client() {
        const pool = new pg.Pool({ connectionString: server.url, max: 4 });
        pools.add(pool);
        return pool;
      },
      async release(pool) {
        pools.delete(pool);
        await pool.end();
      },
      async stop() {
        for (const p of pools) await p.end();
      },
    };
  },
});

suite('PGlite', {
  boundMs: 1000,
  async start() {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-pglite-'));
    let shared;
    return {
      // One database in one process: instances share the PGlite object, as they share a pool.
      // `reopen` closes it and opens the files again (what a restart does).
      async client({ reopen = false } = {}) {
        if (reopen && shared !== undefined) {
          await shared.close();
          shared = undefined;
        }
        shared ??= await PGlite.create(join(dir, 'data'));
        return shared;
      },
      async release() {},
      async stop() {
        await shared?.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

test('PostgreSQL: a dropped LISTEN connection loses no change (the instance catches up)', async () => {
  const [p1, p2] = [new pg.Pool({ connectionString: sharedServer.url }), new pg.Pool({ connectionString: sharedServer.url })];
  try {
    // No timer: only NOTIFY and the catch-up after a reconnect can bring the change.
    const s1 = await open({ policy, client: p1, seed, pollMs: 0, prefix: 'p6_' });
    const s2 = await open({ policy, client: p2, seed, pollMs: 0, prefix: 'p6_' });
    const killed = await p2.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN p6_changes'");
    assert.equal(killed.rows.length, 2, 'both listeners found');
    await s1.apply({ kind: 'assignment', add: fiona });
    await within(3000, () => s2.evaluator.can('fiona', 'refunds.create', 'acme-cl'), 's2 caught up after reconnecting');
    await within(3000, () => s1.version === s2.version, 'one version');
    await s1.close();
    await s2.close();
  } finally {
    await p1.end();
    await p2.end();
  }
});

test('PostgreSQL down: decisions continue from the last state; writes fail with a clear error', async () => {
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: server.url, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined);
  const errors = [];
  const s = await open({ policy, client: pool, seed, pollMs: 0, onError: (e) => errors.push(e) });
  await server.stop();
  assert.equal(s.evaluator.can('ada', 'users.manage', 'org'), true);
  await assert.rejects(s.apply({ kind: 'assignment', add: fiona }), (e) => e instanceof StoreError && e.code === 'store_unavailable' && /nothing changed/.test(e.message));
  assert.equal(s.evaluator.can('fiona', 'refunds.create', 'acme-cl'), false);
  await s.close();
  await pool.end().catch(() => undefined);
});
