// `rolecall/filter`: a plan from `evaluator.filter` (or `permissions.filter`) mapped onto the
// application's rows: `matches` for a list in memory, `toSql` for PostgreSQL, `prismaWhere` and
// `kyselyWhere` for those query builders (neither is imported: Prisma's where is a plain object,
// and Kysely's is built with the caller's expression builder). Pure JavaScript, no WebAssembly:
// a page pays for it only when it imports it. A plan an adapter cannot express exactly (a
// dimension or attribute without a column) is an `invalid_value` error, never a wider or
// narrower filter. docs/filter.md describes the plan and each adapter.

// From the package's entry, so that Node's bundled entry and this module share one class
// (`instanceof RolecallError` holds); browsers import the per-module build.
import { RolecallError } from './index.js';
import type { Plan, PlanCondition, PlanScopes, PlanTerm } from './types.js';
import type { Columns, Sql } from './wire.js';

// `Columns` (where the plan's inputs are in a row), `ScopeTree` and `Sql` are the core's
// (`Plan::to_sql`), generated from the binding's wire types: this file writes the same SQL.
export type { Columns, ScopeTree, Sql } from './wire.js';

function invalid(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', message, path });
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function scopesOf(v: unknown, path: string): PlanScopes {
  const s = v as PlanScopes;
  if (typeof v !== 'object' || v === null || !isStrings(s.under) || !isStrings(s.ids)) {
    throw invalid(path, `\`${path}\` must be { under: string[], ids: string[] }`);
  }
  return s;
}

/** A plan, checked to have the documented shape (a plan from JSON may not). */
function planOf(v: unknown): Plan {
  const p = v as Plan;
  if (typeof v !== 'object' || v === null) throw invalid('plan', '`plan` must be an object');
  if (p.match === 'none' || p.match === 'all') return p;
  if (p.match !== 'where') throw invalid('plan.match', '`plan.match` must be `none`, `all` or `where`');
  if (!Array.isArray(p.any_of) || p.any_of.length === 0) {
    throw invalid('plan.any_of', '`plan.any_of` must be a non-empty list of terms');
  }
  if (p.not_scopes !== undefined) scopesOf(p.not_scopes, 'plan.not_scopes');
  if (p.not_subject !== undefined && (typeof p.not_subject?.attribute !== 'string' || !isStrings(p.not_subject.values))) {
    throw invalid('plan.not_subject', '`plan.not_subject` must be { attribute: string, values: string[] }');
  }
  p.any_of.forEach((t: PlanTerm, i) => {
    if (typeof t !== 'object' || t === null) throw invalid(`plan.any_of[${i}]`, 'a term must be an object');
    if (t.scopes !== undefined) scopesOf(t.scopes, `plan.any_of[${i}].scopes`);
    if (t.context !== undefined && !Array.isArray(t.context)) {
      throw invalid(`plan.any_of[${i}].context`, 'a term\'s `context` must be a list of conditions');
    }
    (t.context ?? []).forEach((d, j) => {
      if (typeof d?.dimension !== 'string' || (d.in !== undefined && !isStrings(d.in))) {
        throw invalid(`plan.any_of[${i}].context[${j}]`, 'a context condition must be { dimension: string, in?: string[] }');
      }
    });
  });
  return p;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `columns`, checked to have the documented shape: an object whose `context`, `resource` and
 * `scope_tree`, when given, are objects (each column name is checked where it is used).
 */
function columnsOf(v: unknown): Columns {
  if (!isObject(v)) throw invalid('columns', '`columns` must be an object');
  for (const k of ['context', 'resource', 'scope_tree'] as const) {
    if (v[k] !== undefined && !isObject(v[k])) throw invalid(`columns.${k}`, `\`columns.${k}\` must be an object`);
  }
  return v as unknown as Columns;
}

/** The column of a dimension or attribute, or `invalid_value`: the plan needs it. */
function column(columns: Columns | undefined, kind: 'context' | 'resource', name: string): string {
  if (columns === undefined) return name;
  const c = columns[kind]?.[name];
  if (typeof c !== 'string' || c === '') {
    throw invalid(`columns.${kind}.${name}`, `the plan needs the column of ${kind === 'context' ? 'dimension' : 'attribute'} \`${name}\``);
  }
  return c;
}

/** A row's value: a string, or absent (`null`, `undefined`); anything else is `invalid_value`. */
function cell(row: Record<string, unknown>, key: string): string | undefined {
  const v = row[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`row.${key}`, `\`row.${key}\` must be a string, null or missing`);
  return v;
}

/**
 * The plan as a predicate over rows, its id lists turned into sets once: for filtering a long
 * list. `columns` maps the plan onto the rows' keys (default: their own names).
 * @throws {RolecallError} `invalid_value` for a plan of another shape or a dimension or
 * attribute `columns` does not map; the predicate throws it for a value that is not a string.
 */
export function matcher(plan: Plan, columns?: Columns): (row: Record<string, unknown>) => boolean {
  const p = planOf(plan);
  if (columns !== undefined && (typeof columnsOf(columns).scope !== 'string' || columns.scope === '')) {
    throw invalid('columns.scope', '`columns.scope` must name the column of the scope id');
  }
  if (p.match === 'none') return () => false;
  if (p.match === 'all') return () => true;
  const scopeKey = columns === undefined ? 'scope' : columns.scope;
  const c = p as PlanCondition & { match: 'where' };
  const notScopes = c.not_scopes === undefined ? undefined : new Set(c.not_scopes.ids);
  const notSubject =
    c.not_subject === undefined
      ? undefined
      : { key: column(columns, 'resource', c.not_subject.attribute), values: new Set(c.not_subject.values) };
  const terms = c.any_of.map((t) => ({
    scopes: t.scopes === undefined ? undefined : new Set(t.scopes.ids),
    dims: (t.context ?? []).map((d) => ({
      key: column(columns, 'context', d.dimension),
      values: d.in === undefined ? undefined : new Set(d.in),
    })),
  }));
  return (row) => {
    if (typeof row !== 'object' || row === null) throw invalid('row', 'a row must be an object');
    const scope = cell(row, scopeKey);
    if (scope === undefined) return false;
    if (notScopes?.has(scope)) return false;
    if (notSubject !== undefined) {
      const v = cell(row, notSubject.key);
      if (v === undefined || notSubject.values.has(v)) return false;
    }
    return terms.some(
      (t) =>
        (t.scopes === undefined || t.scopes.has(scope)) &&
        t.dims.every((d) => {
          const v = cell(row, d.key);
          return v !== undefined && (d.values === undefined || d.values.has(v));
        }),
    );
  };
}

/** Whether one row is in the plan (`matcher` for many rows). */
export function matches(plan: Plan, row: Record<string, unknown>, columns?: Columns): boolean {
  return matcher(plan, columns)(row);
}

/** A column name quoted as an identifier, each dot-separated part on its own. */
function ident(name: unknown, path: string): string {
  const parts = typeof name === 'string' ? name.split('.') : [];
  // eslint-disable-next-line no-control-regex
  if (parts.length === 0 || parts.some((p) => p === '' || /[\u0000-\u001f\u007f-\u009f]/.test(p))) {
    throw invalid(path, `\`${String(name)}\` is not a column name (non-empty parts separated by dots)`);
  }
  return parts.map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
}

/**
 * The plan as a PostgreSQL boolean expression for a `WHERE`: `{ text, values }`, every value a
 * `text[]` parameter, never in the text (the same text as `rolecall filter --sql`).
 * @throws {RolecallError} `invalid_value` for a plan of another shape, a bad column name, or a
 * dimension or attribute `columns` does not map.
 */
export function toSql(plan: Plan, columns: Columns): Sql {
  const p = planOf(plan);
  columnsOf(columns);
  // The scope column is checked whatever the plan, so a bad one never waits for a plan that uses it.
  ident(columns.scope, 'columns.scope');
  const offset = columns.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('columns.offset', '`columns.offset` must be a whole number');
  const values: string[][] = [];
  const param = (v: string[]): string => {
    values.push([...v]);
    return `$${offset + values.length}::text[]`;
  };
  const scopes = (s: PlanScopes): string => {
    const col = ident(columns.scope, 'columns.scope');
    const t = columns.scope_tree;
    if (t === undefined) return `${col} = ANY(${param(s.ids)})`;
    return `EXISTS (SELECT 1 FROM ${ident(t.table, 'columns.scope_tree.table')} WHERE ${ident(t.descendant, 'columns.scope_tree.descendant')} = ${col} AND ${ident(t.ancestor, 'columns.scope_tree.ancestor')} = ANY(${param(s.under)}))`;
  };
  if (p.match === 'none') return { text: 'FALSE', values };
  if (p.match === 'all') return { text: 'TRUE', values };
  const parts: string[] = [];
  if (p.not_scopes !== undefined) parts.push(`NOT ${scopes(p.not_scopes)}`);
  if (p.not_subject !== undefined) {
    const a = p.not_subject.attribute;
    const col = ident(column(columns, 'resource', a), `columns.resource.${a}`);
    parts.push(`${col} IS NOT NULL AND NOT ${col} = ANY(${param(p.not_subject.values)})`);
  }
  const terms = p.any_of.map((t) => {
    const ands: string[] = [];
    if (t.scopes !== undefined) ands.push(scopes(t.scopes));
    for (const d of t.context ?? []) {
      const col = ident(column(columns, 'context', d.dimension), `columns.context.${d.dimension}`);
      ands.push(d.in === undefined ? `${col} IS NOT NULL` : `${col} = ANY(${param(d.in)})`);
    }
    return ands.length === 0 ? 'TRUE' : ands.length === 1 ? ands[0] : `(${ands.join(' AND ')})`;
  });
  parts.push(terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`);
  return { text: parts.join(' AND '), values };
}

/** A Prisma `where` (a plain object). */
export type PrismaWhere = Record<string, unknown>;

/**
 * The plan as a Prisma `where` object over one model's fields (`{ OR: [] }` for no row, `{}`
 * for every row), to combine with the query's own: `where: { AND: [prismaWhere(plan, c), ...] }`.
 * Field names are used as given (no relation paths).
 * @throws {RolecallError} `invalid_value` for a plan of another shape, a dimension or attribute
 * `columns` does not map, or `scope_tree` (a join Prisma's where cannot write).
 */
export function prismaWhere(plan: Plan, columns: Columns): PrismaWhere {
  const p = planOf(plan);
  columnsOf(columns);
  if (columns.scope_tree !== undefined) {
    throw invalid('columns.scope_tree', 'a Prisma where cannot join the scope tree: leave `scope_tree` out to match scope ids');
  }
  if (p.match === 'none') return { OR: [] };
  if (p.match === 'all') return {};
  const and: PrismaWhere[] = [];
  if (p.not_scopes !== undefined) and.push({ NOT: { [columns.scope]: { in: [...p.not_scopes.ids] } } });
  if (p.not_subject !== undefined) {
    const col = column(columns, 'resource', p.not_subject.attribute);
    and.push({ [col]: { not: null } }, { NOT: { [col]: { in: [...p.not_subject.values] } } });
  }
  const terms = p.any_of.map((t) => {
    const ands: PrismaWhere[] = [];
    if (t.scopes !== undefined) ands.push({ [columns.scope]: { in: [...t.scopes.ids] } });
    for (const d of t.context ?? []) {
      const col = column(columns, 'context', d.dimension);
      ands.push({ [col]: d.in === undefined ? { not: null } : { in: [...d.in] } });
    }
    return { AND: ands };
  });
  and.push({ OR: terms });
  return { AND: and };
}

/**
 * The part of Kysely's expression builder `kyselyWhere` uses (`eb` in `.where((eb) => ...)`),
 * declared here so that this module needs no import of Kysely.
 */
export interface KyselyExpressionBuilder<E> {
  (lhs: string, op: string, rhs: unknown): E;
  and(exprs: E[]): E;
  or(exprs: E[]): E;
  not(expr: E): E;
  lit(value: boolean): E;
  ref(column: string): unknown;
  exists(query: unknown): E;
  selectFrom(table: string): {
    select(column: string): { where(lhs: string, op: string, rhs: unknown): { where(lhs: string, op: string, rhs: unknown): unknown } };
  };
}

/**
 * The plan as a Kysely filter: `db.selectFrom('payments').where((eb) => kyselyWhere(plan, c)(eb))`
 * (or `.where(kyselyWhere(plan, c))`). With `scope_tree`, subtrees are matched through the
 * closure table with `exists`.
 * @throws {RolecallError} `invalid_value` for a plan of another shape or a dimension or
 * attribute `columns` does not map (when the filter is made, before any query).
 */
export function kyselyWhere<E>(plan: Plan, columns: Columns): (eb: KyselyExpressionBuilder<E>) => E {
  const p = planOf(plan);
  columnsOf(columns);
  // Every column is resolved now, so a plan the columns cannot express fails before a query.
  const terms =
    p.match === 'where'
      ? p.any_of.map((t) => ({
          scopes: t.scopes,
          dims: (t.context ?? []).map((d) => ({ col: column(columns, 'context', d.dimension), in: d.in })),
        }))
      : [];
  const subject =
    p.match === 'where' && p.not_subject !== undefined
      ? { col: column(columns, 'resource', p.not_subject.attribute), values: p.not_subject.values }
      : undefined;
  return (eb) => {
    const inList = (col: string, values: string[]): E => (values.length === 0 ? eb.lit(false) : eb(col, 'in', [...values]));
    const scopes = (s: PlanScopes): E => {
      const t = columns.scope_tree;
      if (t === undefined) return inList(columns.scope, s.ids);
      if (s.under.length === 0) return eb.lit(false);
      return eb.exists(
        eb
          .selectFrom(t.table)
          .select(t.ancestor)
          .where(t.descendant, '=', eb.ref(columns.scope))
          .where(t.ancestor, 'in', [...s.under]),
      );
    };
    if (p.match === 'none') return eb.lit(false);
    if (p.match === 'all') return eb.lit(true);
    const and: E[] = [];
    if (p.not_scopes !== undefined) and.push(eb.not(scopes(p.not_scopes)));
    if (subject !== undefined) {
      and.push(eb(subject.col, 'is not', null));
      if (subject.values.length > 0) and.push(eb.not(inList(subject.col, subject.values)));
    }
    and.push(
      eb.or(
        terms.map((t) => {
          const ands: E[] = [];
          if (t.scopes !== undefined) ands.push(scopes(t.scopes));
          for (const d of t.dims) ands.push(d.in === undefined ? eb(d.col, 'is not', null) : inList(d.col, d.in));
          return ands.length === 0 ? eb.lit(true) : eb.and(ands);
        }),
      ),
    );
    return eb.and(and);
  };
}
