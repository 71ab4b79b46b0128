// Lists filtered by permission (issue 15) from JavaScript: `evaluator.filter` and
// `permissions.filter` give the plan of exactly the rows whose check allows, and the adapters of
// `rolecall/filter` (`matches`, `prismaWhere`, `toSql`) keep it exact or refuse. The SQL itself
// runs against PostgreSQL and PGlite in tests/sql.
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError } from 'rolecall';
import { matcher, matches, prismaWhere, toSql, kyselyWhere } from 'rolecall/filter';
import { examples, mulberry32, read } from './helpers.mjs';

const now = '2026-01-01T00:00:00Z';


/** Rows over every scope, each dimension absent, `*`, unlisted or a listed value, and each attribute. */
function rows(doc, dimensions, attributes, subjects, n, seed) {
  const rnd = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const values = {};
  for (const d of dimensions) {
    const listed = [...doc.assignments, ...doc.grants].flatMap((a) => [a.context?.[d] ?? []].flat());
    values[d] = [undefined, '*', 'unlisted', ...new Set(listed)];
  }
  return Array.from({ length: n }, () => {
    const row = { scope: pick(doc.scopes).id };
    for (const d of dimensions) {
      const v = pick(values[d]);
      if (v !== undefined) row[d] = v;
    }
    for (const a of attributes) {
      const who = pick([undefined, 'someone_else', ...subjects]);
      if (who !== undefined) row[a] = who;
    }
    return row;
  });
}

/** Whether a row's check allows: a missing attribute the action needs denies. */
function allows(ev, subject, action, row, dimensions, attributes) {
  try {
    return ev.can(subject, action, row.scope, optionsOf(row, dimensions, attributes));
  } catch (e) {
    if (e instanceof RolecallError && e.code === 'missing_resource_attribute') return false;
    throw e;
  }
}

/** A check's options for a row: its context values and its attributes. */
function optionsOf(row, dimensions, attributes) {
  const context = {};
  for (const d of dimensions) if (row[d] !== undefined) context[d] = row[d];
  const resource = {};
  for (const a of attributes) if (row[a] !== undefined) resource[a] = row[a];
  return { context, resource, now };
}

/** What Prisma's documented where semantics say of a row (AND, OR, NOT, in, not: null). */
function prisma(where, row) {
  return Object.entries(where).every(([k, v]) => {
    if (k === 'AND') return v.every((w) => prisma(w, row));
    if (k === 'OR') return v.some((w) => prisma(w, row));
    if (k === 'NOT') return !prisma(v, row) && Object.keys(v).every((c) => row[c] !== undefined);
    const cell = row[k];
    if ('in' in v) return cell !== undefined && v.in.includes(cell);
    if ('not' in v && v.not === null) return cell !== undefined;
    throw new Error(`unexpected filter ${JSON.stringify(v)}`);
  });
}

const dirs = readdirSync(examples).filter((d) => existsSync(join(examples, d, 'directory.yaml')));

test('the plan matches exactly the rows whose check allows, in every example, from the evaluator and the snapshot', () => {
  let compared = 0;
  for (const dir of dirs) {
    const policy = Policy.parse(read(examples, dir, 'policy.yaml'));
    const ev = new Evaluator(policy, read(examples, dir, 'directory.yaml'));
    const doc = ev.directory();
    // The dimensions sources constrain (a row's other dimensions decide nothing).
    const dimensions = [...new Set([...doc.assignments, ...doc.grants].flatMap((a) => Object.keys(a.context ?? {})))];
    const subjects = [...new Set([...doc.assignments, ...doc.grants].map((a) => a.subject).concat(doc.api_keys.map((k) => k.id)))];
    const actions = policy.reference().actions.map((a) => a.name);
    const attributes = [...new Set(policy.reference().actions.flatMap((a) => (a.distinct_from ? [a.distinct_from] : [])))];
    const columns = {
      scope: 'scope',
      context: Object.fromEntries(dimensions.map((d) => [d, d])),
      resource: Object.fromEntries(attributes.map((a) => [a, a])),
    };
    const list = rows(doc, dimensions, attributes, subjects, 50, dir.length);
    for (const s of subjects) {
      const own = Permissions.fromSnapshot(policy, ev.snapshot(s));
      for (const action of actions) {
        const plan = ev.filter(s, action, { now });
        const fromSnapshot = own.filter(action, { now });
        const test = matcher(plan);
        for (const row of list) {
          const allowed = allows(ev, s, action, row, dimensions, attributes);
          const what = `${dir}: ${s} ${action} ${JSON.stringify(row)}: ${JSON.stringify(plan)}`;
          assert.equal(test(row), allowed, what);
          assert.equal(matches(fromSnapshot, row), allowed, `${what} (snapshot)`);
          assert.equal(prisma(prismaWhere(plan, columns), row), allowed, `${what} (prisma)`);
          compared++;
        }
      }
      own.free();
    }
    ev.free();
  }
  assert.ok(compared > 5000, `only ${compared} rows compared`);
});

const payments = () => {
  const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
  return new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));
};

test('Carla (Operations for Chile) sees the Chilean rows at the group level; a context fixes a dimension', () => {
  const ev = payments();
  const plan = ev.filter('carla', 'refunds.create');
  assert.equal(plan.match, 'where');
  assert.ok(matches(plan, { scope: 'acme-cl', country: 'CL' }));
  assert.ok(!matches(plan, { scope: 'acme-mx', country: 'MX' }));
  assert.ok(!matches(plan, { scope: 'acme-cl' }), 'no country: the safe default');
  assert.deepEqual(ev.filter('carla', 'refunds.create', { context: { country: 'MX' } }), { match: 'none' });
  assert.equal(ev.filter('nobody', 'refunds.create').match, 'none');
  assert.equal(ev.filter('ada', 'refunds.create').match, 'all');
  ev.free();
});

test('an adapter refuses a plan it cannot express, and a plan of another shape', () => {
  const ev = payments();
  const plan = ev.filter('carla', 'refunds.create');
  for (const f of [() => toSql(plan, { scope: 'scope_id' }), () => prismaWhere(plan, { scope: 'scope_id' }), () => kyselyWhere(plan, { scope: 'scope_id' }), () => matches(plan, { scope: 'acme-cl' }, { scope: 'scope' })]) {
    assert.throws(f, (e) => e instanceof RolecallError && e.code === 'invalid_value' && e.path === 'columns.context.country');
  }
  assert.throws(() => prismaWhere(plan, { scope: 's', context: { country: 'c' }, scope_tree: { table: 't', ancestor: 'a', descendant: 'd' } }), (e) => e.path === 'columns.scope_tree');
  assert.throws(() => toSql({ match: 'some' }, { scope: 's' }), (e) => e.code === 'invalid_value' && e.path === 'plan.match');
  assert.throws(() => toSql({ match: 'where', any_of: [] }, { scope: 's' }), (e) => e.path === 'plan.any_of');
  assert.throws(() => toSql(plan, { scope: 'a..b', context: { country: 'c' } }), (e) => e.path === 'columns.scope');
  assert.throws(() => matches(plan, { scope: 'acme-cl', country: 56 }), (e) => e.path === 'row.country');
  assert.throws(() => ev.filter(5, 'refunds.create'), (e) => e.code === 'invalid_value' && e.path === 'subject');
  assert.throws(() => ev.filter('carla', 'refunds.nope'), (e) => e.code === 'unknown_action');
  assert.throws(() => ev.filter('carla', 'refunds.create', { context: { region: 'x' } }), (e) => e.code === 'unknown_dimension');
  assert.throws(() => ev.filter('carla', 'refunds.create', null), (e) => e.code === 'invalid_value');
  ev.free();
});

test('toSql puts every value in a parameter and quotes every column', () => {
  const ev = payments();
  const plan = ev.filter('carla', 'refunds.create');
  const sql = toSql(plan, { scope: 'p.scope_id', context: { country: 'Country"x' }, offset: 1 });
  // Carla's source is at the root: no scope condition, only her country.
  assert.equal(sql.text, '"Country""x" = ANY($2::text[])');
  assert.deepEqual(sql.values, [['CL', '*']]);
  const sam = toSql(ev.filter('sam', 'refunds.create'), { scope: 'p.scope_id' });
  assert.equal(sam.text, '"p"."scope_id" = ANY($1::text[])');
  assert.deepEqual(sam.values, [['acme-mx']]);
  assert.deepEqual(toSql({ match: 'none' }, { scope: 's' }), { text: 'FALSE', values: [] });
  assert.deepEqual(toSql({ match: 'all' }, { scope: 's' }), { text: 'TRUE', values: [] });
  ev.free();
});
