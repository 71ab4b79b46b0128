// `rolecall/decisions`: a page's first decisions, before its WebAssembly engine has loaded. The
// server sends a prepared snapshot (`evaluator.snapshot(subject, { decisions: true })`): the
// snapshot, plus the decisions the core took for that subject by building the very evaluator the
// page will build from it. This file only looks them up: no WebAssembly, no policy, a few KB.
// What the decisions leave to the engine (a permission asked by another spelling, a malformed
// option, a scope past a partial sheet, a time given as text) is `pending`: denied until
// `store.set(Permissions.fromSnapshot(policy, snapshot))` hands the page the engine.
// docs/format.md ("Prepared decisions") describes the form, docs/gating.md the hand-over.

// From the package's entry, so that Node's bundled entry and this module share one class
// (`instanceof RolecallError` holds); browsers import the per-module build.
import { RolecallError } from './index.js';
import type { BulkOptions, CheckOptions, Decision, FromJson, Schema, Snapshot, Target } from './types.js';
import type { PreparedDecisions } from './wire.js';

/** The core's limits on a query's names, in bytes (crates/rolecall/src/limits.rs). */
const MAX_ID_LEN = 256;
const MAX_NAME_LEN = 128;
const MAX_TARGET_LEN = 2 * MAX_NAME_LEN + 1;

/** The answer to a question the prepared decisions leave to the engine. */
const PENDING: Readonly<Decision> = Object.freeze({
  allowed: false,
  reason: 'pending',
  message: 'Waiting for the permissions engine',
  sources: [],
  missing: [],
});

/** A question the prepared decisions do not answer (`pending`), where a table index goes. */
const NOT_PREPARED = -1;

/**
 * One subject's decisions, as the server prepared them: `can`, `check`, `allowedActions` and
 * `scopesWhere` answered in JavaScript, exactly as `Permissions.fromSnapshot` answers them once
 * the engine has loaded, and `pending` (denied) where the prepared decisions do not reach.
 * Client-side gating is a convenience for the interface: the server enforces.
 */
export class SnapshotDecisions<S extends Schema = Schema> {
  /** Whose decisions these are. */
  readonly subject: string;
  /** The hash of the policy they were taken under (the engine refuses another). */
  readonly policyHash: string;
  readonly #d: PreparedDecisions;
  readonly #columns = new Map<string, number>();
  readonly #attribute = new Map<number, string>();
  readonly #dimensions: Set<string>;
  /** Per class dimension: its name, its values' digits and its place value. */
  readonly #classes = new Map<string, { digits: Map<string, number>; place: number }>();
  readonly #scopes = new Map<string, number>();
  readonly #scoped: Set<number>;

  private constructor(subject: string, policyHash: string, d: PreparedDecisions) {
    this.subject = subject;
    this.policyHash = policyHash;
    this.#d = d;
    // By index, as the form was checked (checkForm): every list whole, every pair a pair.
    for (let i = 0; i < d.targets.length; i++) this.#columns.set(d.targets[i] as string, i);
    for (let i = 0; i < d.distinct_from.length; i++) {
      const p = d.distinct_from[i] as [number, string];
      this.#attribute.set(p[0], p[1]);
    }
    this.#dimensions = new Set(d.dimensions);
    let place = 1;
    for (let i = 0; i < d.classes.length; i++) {
      const c = d.classes[i] as [number, string[]];
      const dim = c[0];
      const values = c[1];
      const digits = new Map<string, number>();
      for (let k = 0; k < values.length; k++) digits.set(values[k] as string, 3 + k);
      this.#classes.set(d.dimensions[dim] ?? '', { digits, place });
      place *= values.length + 3;
    }
    for (let i = 0; i < d.scopes.length; i++) {
      const p = d.scopes[i] as [string, number];
      this.#scopes.set(p[0], p[1]);
    }
    this.#scoped = new Set(d.scoped);
  }

  /**
   * From a prepared snapshot (object or JSON text), as the server sent it.
   * @throws {RolecallError} `invalid_value` when it carries no prepared decisions (the server
   * called `snapshot(subject)` without `{ decisions: true }`) or they are not the core's form.
   */
  static from<S extends Schema = Schema>(snapshot: FromJson<Snapshot> | string): SnapshotDecisions<S> {
    let snap: unknown = snapshot;
    if (typeof snapshot === 'string') {
      try {
        snap = JSON.parse(snapshot);
      } catch (e) {
        throw invalid('snapshot', `the snapshot is not JSON (${(e as Error).message})`);
      }
    }
    const s = snap as Partial<Snapshot> | null;
    if (typeof s !== 'object' || s === null || typeof s.subject !== 'string' || typeof s.policy_hash !== 'string') {
      throw invalid('snapshot', 'not a snapshot: `subject` and `policy_hash` must be strings');
    }
    if (s.decisions === undefined) {
      throw new RolecallError({
        code: 'invalid_value',
        message: 'this snapshot carries no prepared decisions',
        path: 'decisions',
        help: 'take it with `evaluator.snapshot(subject, { decisions: true })` on the server',
      });
    }
    checkForm(s.decisions);
    return new SnapshotDecisions<S>(s.subject, s.policy_hash, s.decisions);
  }

  /** May the subject do `action` in `scope`? `false` too while the question is `pending`. */
  can(action: Target<S>, scope: string, options?: CheckOptions<S>): boolean {
    return this.#allowed(this.#find(action, scope, options));
  }

  /** The full decision, with the tooltip message (`pending` where the engine must answer). */
  check(action: Target<S>, scope: string, options?: CheckOptions<S>): Decision {
    const d = this.#entry(this.#find(action, scope, options), scope);
    return { ...d, sources: d.sources.map((x) => ({ ...x })), missing: [...d.missing] };
  }

  /** Whether the prepared decisions answer this question (else `check` says `pending`). */
  answers(action: Target<S>, scope: string, options?: CheckOptions<S>): boolean {
    return this.#find(action, scope, options) !== NOT_PREPARED;
  }

  /**
   * Every action the subject may do at `scope`, in declared order (`distinct_from` not checked,
   * as `Permissions.allowedActions`); `[]` while the question is not prepared.
   */
  allowedActions(scope: string, options?: BulkOptions<S>): S['action'][] {
    name(scope, 'scope', MAX_ID_LEN);
    const o = optionsOf(options);
    const list = this.#scopes.get(scope);
    if (list === undefined) return [];
    const cls = this.#classOf(o.context);
    const row = cls === NOT_PREPARED ? NOT_PREPARED : this.#row(list, cls, 0, o.now);
    const out: S['action'][] = [];
    if (row === NOT_PREPARED) return out;
    for (let a = 0; a < this.#d.actions; a++) {
      if (this.#allowed(this.#d.rows[row]?.[a])) out.push(this.#d.targets[a] as S['action']);
    }
    return out;
  }

  /** Every reachable scope where the subject may do `action`, in tree order; `[]` while not prepared. */
  scopesWhere(action: S['action'], options?: BulkOptions<S>): string[] {
    const column = this.#column(name(action, 'action', MAX_TARGET_LEN), false);
    const o = optionsOf(options);
    const cls = this.#classOf(o.context);
    const out: string[] = [];
    if (cls === NOT_PREPARED || !this.#d.complete) return out;
    for (let i = 0; i < this.#d.scopes.length; i++) {
      const p = this.#d.scopes[i] as [string, number];
      const scope = p[0];
      const list = p[1];
      const row = this.#row(list, cls, 0, o.now);
      if (row === NOT_PREPARED) return [];
      if (this.#allowed(this.#d.rows[row]?.[column])) out.push(scope);
    }
    return out;
  }

  /**
   * A check, read as the core reads it (crates/rolecall/src/eval/resolve.rs), raising its input
   * errors in the same order: names over the limits, an unknown action, an unknown dimension;
   * then, at a prepared scope, a missing resource attribute and a missing time. Its answer is
   * an index into `table`, or `NOT_PREPARED`: `can` reads one boolean and builds no object.
   */
  #find(action: unknown, scope: unknown, options: CheckOptions<S> | undefined): number {
    const target = name(action, 'action', MAX_TARGET_LEN);
    const at = name(scope, 'scope', MAX_ID_LEN);
    const o = optionsOf(options);
    const column = this.#column(target, true);
    if (column === NOT_PREPARED) return NOT_PREPARED;
    const cls = this.#classOf(o.context);
    const list = this.#scopes.get(at);
    if (list === undefined) {
      return this.#d.complete && cls !== NOT_PREPARED ? (this.#d.out_of_scope[column] ?? NOT_PREPARED) : NOT_PREPARED;
    }
    let own = 0;
    const attribute = this.#attribute.get(column);
    if (attribute !== undefined) {
      if (o.resource !== undefined && !isStringRecord(o.resource)) return NOT_PREPARED;
      // Own properties only: an attribute named like one of `Object.prototype`'s is not given.
      const v = o.resource !== undefined && Object.hasOwn(o.resource, attribute) ? o.resource[attribute] : undefined;
      if (v === undefined) {
        throw new RolecallError({
          code: 'missing_resource_attribute',
          message: `action \`${target}\` needs the resource attribute \`${attribute}\``,
          path: 'resource',
        });
      }
      own = v === this.subject || v === this.#d.owner ? 1 : 0;
    }
    if (cls === NOT_PREPARED) return NOT_PREPARED;
    const row = this.#row(list, cls, own, o.now);
    return row === NOT_PREPARED ? NOT_PREPARED : (this.#d.rows[row]?.[column] ?? NOT_PREPARED);
  }

  /** A target's column; `NOT_PREPARED` for a permission by another spelling. */
  #column(target: string, permissions: boolean): number {
    const isPermission = permissions && target.lastIndexOf(':', MAX_NAME_LEN + 1) >= 0;
    const column = this.#columns.get(target);
    if (column !== undefined && column < this.#d.actions !== isPermission) return column;
    if (isPermission) return NOT_PREPARED; // the engine resolves other spellings
    throw new RolecallError({ code: 'unknown_action', message: `unknown action \`${target}\``, path: 'action' });
  }

  /** The row of a prepared scope's list for a class and resource (or the expired row). */
  #row(list: number, cls: number, own: number, now: unknown): number {
    const e = this.#d.expires;
    if (e !== undefined) {
      const t = timeOf(now);
      if (t === null) {
        throw new RolecallError({
          code: 'missing_time',
          message: `API key \`${this.subject}\` expires, so the query needs \`now\``,
          path: 'now',
        });
      }
      if (typeof t === 'string') return NOT_PREPARED; // RFC 3339 text: the engine parses it
      if (t >= e.at_ms) return e.row;
    } else {
      timeOf(now);
    }
    return this.#d.row_sets[list]?.[cls * 2 + own] ?? NOT_PREPARED;
  }

  /** Whether table entry `i` allows (`NOT_PREPARED`, or none: no). Allocates nothing. */
  #allowed(i: number | undefined): boolean {
    return i !== undefined && this.#d.table[i]?.allowed === true;
  }

  /** Table entry `i` at `scope`: an out-of-scope message gets the scope's id. */
  #entry(i: number | undefined, scope: string): Readonly<Decision> {
    const d = i === undefined ? undefined : this.#d.table[i];
    if (d === undefined || i === undefined) return PENDING;
    return this.#scoped.has(i) ? { ...d, message: d.message + scope } : d;
  }

  /** A context's class; `NOT_PREPARED` when the sheet does not prepare it or it is malformed. */
  #classOf(context: unknown): number {
    if (context === undefined) return 0;
    if (!isStringRecord(context)) return NOT_PREPARED;
    let cls = 0;
    let given = false;
    for (const [k, v] of Object.entries(context)) {
      if (over(k, MAX_NAME_LEN)) throw tooLong('context', 'a dimension', k, MAX_NAME_LEN);
      if (over(v, MAX_ID_LEN)) throw tooLong(`context.${k}`, 'a context value', v, MAX_ID_LEN);
      if (!this.#dimensions.has(k)) {
        throw new RolecallError({ code: 'unknown_dimension', message: `unknown dimension \`${k}\``, path: `context.${k}` });
      }
      given = true;
      const c = this.#classes.get(k);
      if (c !== undefined) cls += c.place * (v === '*' ? 1 : (c.digits.get(v) ?? 2));
    }
    return given && !this.#d.contexts ? NOT_PREPARED : cls;
  }
}

/** The earliest and latest instants RFC 3339 can write (years 0000 to 9999), in milliseconds. */
const MIN_TIME = -62_167_219_200_000;
const MAX_TIME = 253_402_300_799_999;

/** A query's time as the SDK reads it: the clock, `null`, RFC 3339 text, or milliseconds. */
function timeOf(now: unknown): number | string | null {
  if (now === undefined) return Date.now();
  if (now === null || typeof now === 'string') return now;
  const ms = typeof now === 'number' ? now : now instanceof Date ? now.getTime() : undefined;
  if (ms === undefined) throw invalid('now', `\`now\` must be a Date, milliseconds or RFC 3339 text, not ${kind(now)}`);
  if (!(ms >= MIN_TIME && ms <= MAX_TIME)) {
    throw invalid('now', `\`now\` is not a time between the years 0000 and 9999 (${String(ms)} ms)`);
  }
  return ms;
}

/** The options argument: an object or nothing. */
function optionsOf<T extends object>(o: T | undefined): Partial<CheckOptions> {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalid('options', `\`options\` must be an object, not ${kind(o)}`);
  return o as Partial<CheckOptions>;
}

// Node 20 and every current browser have `isWellFormed`; the pattern is for older ones.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A name argument: a string of well-formed Unicode within `max` bytes. */
function name(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string') throw invalid(path, `\`${path}\` must be a string, not ${kind(v)}`);
  if (LONE_SURROGATE.test(v)) {
    throw new RolecallError({ code: 'invalid_value', message: 'an unpaired UTF-16 surrogate in a string', path, help: 'text must be well-formed Unicode' });
  }
  if (over(v, max)) {
    const where = path === 'action' && v.lastIndexOf(':', MAX_NAME_LEN + 1) >= 0 ? 'permission' : path;
    throw tooLong(where, `${/^[aeiou]/.test(where) ? 'an' : 'a'} ${where}`, v, max);
  }
  return v;
}

/** Whether `s` is over `max` bytes of UTF-8 (a string of n UTF-16 units has n to 3n bytes). */
function over(s: string, max: number): boolean {
  return s.length > max || (s.length * 3 > max && new TextEncoder().encode(s).length > max);
}

function tooLong(path: string, what: string, s: string, max: number): RolecallError {
  return new RolecallError({ code: 'limit_exceeded', message: `${what} is at most ${max} bytes, and this one has ${new TextEncoder().encode(s).length}`, path });
}

function isStringRecord(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === 'string');
}

function invalid(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', message, path });
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return v === undefined ? 'missing' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The prepared decisions' shape, checked once, whole (a hand-made, edited or truncated one is
 * refused, never half-read): every list, every decision, every index in range. Lists are walked
 * by index, so a hole is seen (`forEach` and `every` skip holes).
 */
function checkForm(d: unknown): asserts d is PreparedDecisions {
  const fail = (path: string, what: string): never => {
    throw invalid(`decisions.${path}`, `the prepared decisions are not in the form \`snapshot(subject, { decisions: true })\` writes: ${what}`);
  };
  if (typeof d !== 'object' || d === null || Array.isArray(d)) fail('', 'not an object');
  const x = d as Record<string, unknown>;
  const each = (v: unknown, path: string, f: (item: unknown, path: string) => void): unknown[] => {
    if (!Array.isArray(v)) return fail(path, 'not a list');
    for (let i = 0; i < v.length; i++) f(v[i], `${path}[${i}]`);
    return v;
  };
  const index = (v: unknown, below: number, path: string): void => {
    if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) < below)) fail(path, `not an index below ${below}`);
  };
  const text = (v: unknown, path: string): void => {
    if (typeof v !== 'string') fail(path, 'not a string');
  };
  const pair = (v: unknown, path: string): unknown[] => (Array.isArray(v) && v.length === 2 ? v : fail(path, 'not a pair'));
  const targets = each(x.targets, 'targets', text).length;
  const dimensions = each(x.dimensions, 'dimensions', text).length;
  index(x.actions, targets + 1, 'actions');
  if (typeof x.contexts !== 'boolean') fail('contexts', 'not a boolean');
  if (typeof x.complete !== 'boolean') fail('complete', 'not a boolean');
  each(x.distinct_from, 'distinct_from', (v, path) => {
    const p = pair(v, path);
    index(p[0], x.actions as number, `${path}[0]`);
    text(p[1], `${path}[1]`);
  });
  each(x.classes, 'classes', (v, path) => {
    const p = pair(v, path);
    index(p[0], dimensions, `${path}[0]`);
    each(p[1], `${path}[1]`, text);
  });
  const table = each(x.table, 'table', (t, path) => {
    const e = t as Record<string, unknown>;
    if (typeof t !== 'object' || t === null || typeof e.allowed !== 'boolean' || typeof e.reason !== 'string' || typeof e.message !== 'string') {
      fail(path, 'not a decision');
    }
    each(e.sources, `${path}.sources`, (s, at) => {
      if (typeof s !== 'object' || s === null) fail(at, 'not a source');
    });
    each(e.missing, `${path}.missing`, text);
  }).length;
  each(x.scoped, 'scoped', (v, path) => index(v, table, path));
  if (each(x.out_of_scope, 'out_of_scope', (v, path) => index(v, table, path)).length !== targets) {
    fail('out_of_scope', 'not one per target');
  }
  const rows = each(x.rows, 'rows', (r, path) => {
    if (each(r, path, (v, at) => index(v, table, at)).length !== targets) fail(path, 'not one decision per target');
  }).length;
  const sets = each(x.row_sets, 'row_sets', (r, path) => each(r, path, (v, at) => index(v, rows, at))).length;
  each(x.scopes, 'scopes', (v, path) => {
    const p = pair(v, path);
    text(p[0], `${path}[0]`);
    index(p[1], sets, `${path}[1]`);
  });
  if (x.expires !== undefined) {
    const e = x.expires as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || typeof e.at_ms !== 'number') fail('expires', 'not { at_ms, row }');
    index(e.row, rows, 'expires.row');
  }
  if (x.owner !== undefined && typeof x.owner !== 'string') fail('owner', 'not a string');
}
