// The directory store: the directory kept in PostgreSQL (or PGlite), loaded whole into an
// evaluator that the store keeps current. Writes go through `apply`: validated by the core's
// live update on this instance's evaluator, then the item and a change-log row are written in
// one transaction that holds the state row's lock, so writers on every instance are serialized
// and each validates against every change committed before it. Other instances apply the
// change-log rows after their version, in order: on NOTIFY, on a timer, after a reconnect.
// Custom roles are changed the same way (`kind: 'role'`), in their own table.

import { Evaluator, Policy, RolecallError } from '../index.js';
import type { AssignRequest, CustomRole, Decision, DirectoryDocument, Schema } from '../types.js';
import {
  accessOf,
  diffOf,
  HOLDERS_MAX,
  makeChange,
  readChange,
  replayChange,
  undoChange,
  type AccessDiff,
  type Applied,
  type Change,
} from './changes.js';
import { sqlOf, type Sql, type Tx } from './client.js';
import { bulkInsert, json, readAll, readHolders, readRow, writeChange } from './rows.js';
import { migrate, tablesOf, type Tables } from './schema.js';

/** Why a store call failed, when it is not the directory's own validation (`RolecallError`). */
export type StoreErrorCode = 'store_unavailable' | 'not_allowed' | 'closed';

/** A store failure: the database is unreachable or refused the write, or `canAssign` said no. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** For `not_allowed`: the decision that refused it. */
  readonly decision: Decision | undefined;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; decision?: Decision } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.decision = options.decision;
  }
}

/** `open`'s options. */
export interface OpenOptions<S extends Schema = Schema> {
  /** The policy every decision is made under. */
  policy: Policy<S> | Policy;
  /** A `pg.Pool` or a PGlite database; the store never closes it. */
  client: unknown;
  /** The directory to import when the database holds none yet (first start). */
  seed?: DirectoryDocument<S> | object | string;
  /** Table-name prefix (default `rolecall_`). */
  prefix?: string;
  /** How often to look for missed changes, in ms (default 1000); 0: never (NOTIFY only). */
  pollMs?: number;
  /** After each change this instance applies (its own or another's), with the new version. */
  onChange?: (version: number) => void;
  /** A background failure (the listener lost, a catch-up that could not read). */
  onError?: (error: unknown) => void;
}

/** `apply`'s options. */
export interface ApplyOptions {
  /**
   * Who makes the change: recorded in the log; when `check`, checked with `canRevoke` and
   * `canAssign` (assignments) or `canDefineRole` (roles: the role defined, or the one removed).
   */
  actor?: string;
  /** Check `actor` may make it (assignments and roles): `not_allowed` with the decision otherwise. */
  check?: boolean;
}

/** What `apply` did. */
export interface ApplyResult {
  /** The directory version after it (unchanged when nothing changed). */
  version: number;
  /** The id of the added item (the defined role's), if any. */
  id?: string;
  /** A role definition: whether it replaced the role with its id. */
  replaced?: boolean;
  /** False when the change changed nothing (an assignment identical to one held). */
  changed: boolean;
  diff: AccessDiff;
}

/** One change-log row. */
export interface HistoryEntry {
  version: number;
  at: Date;
  actor: string | null;
  subject: string | null;
  scope: string | null;
  change: Applied | { kind: 'import' };
  diff: AccessDiff | Record<string, never>;
}

/** `history`'s filter: the newest first. */
export interface HistoryQuery {
  subject?: string;
  scope?: string;
  /** A version (rows after it) or a time (rows at or after it). */
  since?: number | Date | string;
  /** At most this many rows (default 100, at most 1000). */
  limit?: number;
}

/** Opens the store: migrates, seeds an empty database, loads the directory, starts listening. */
export async function open<S extends Schema = Schema>(options: OpenOptions<S>): Promise<DirectoryStore<S>> {
  if (typeof options !== 'object' || options === null) throw invalid('options', '`open` takes `{ policy, client, ... }`');
  if (!(options.policy instanceof Policy)) throw invalid('policy', '`policy` must be a Policy (Policy.parse)');
  const sql = sqlOf(options.client);
  const t = tablesOf(options.prefix ?? 'rolecall_');
  const store = new DirectoryStore<S>(options.policy as Policy<S>, sql, t, options);
  await wrap('open', () => migrate(sql, t));
  if (options.seed !== undefined) await store.import(options.seed, { actor: 'seed', onlyIfEmpty: true });
  await wrap('open', () => store.reload());
  await store.start(options.pollMs ?? 1000);
  return store;
}

/**
 * Creates the store's tables (the migrations the database lacks) without loading a directory:
 * for replacing some of them with views over the application's own tables before the first
 * `open` (README, "Running with PostgreSQL").
 * @throws {RolecallError} `invalid_value` (options, client or prefix); {StoreError} `store_unavailable`.
 */
export async function createTables(options: { client: unknown; prefix?: string }): Promise<void> {
  if (typeof options !== 'object' || options === null) throw invalid('options', '`createTables` takes `{ client, prefix? }`');
  const t = tablesOf(options.prefix ?? 'rolecall_');
  const sql = sqlOf(options.client);
  await wrap('createTables', () => migrate(sql, t));
}

/** An argument of `open` or `createTables` that is not what it must be. */
function invalid(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', path, message });
}

/** Runs a database call; any failure that is not ours becomes `store_unavailable`. */
async function wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RolecallError || e instanceof StoreError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new StoreError('store_unavailable', `rolecall store: ${what} failed: the database refused or is unreachable (${why})`, { cause: e });
  }
}

/** A directory kept in the database; see `open`. */
export class DirectoryStore<S extends Schema = Schema> {
  readonly #policy: Policy<S>;
  readonly #sql: Sql;
  readonly #t: Tables;
  readonly #onChange: (version: number) => void;
  readonly #onError: (error: unknown) => void;
  #evaluator: Evaluator<S> | undefined;
  #version = 0;
  /** One thing at a time touches the evaluator: applies and catch-ups queue here. */
  #queue: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;

  /** Use `open`. */
  constructor(policy: Policy<S>, sql: Sql, t: Tables, o: OpenOptions<S>) {
    this.#policy = policy;
    this.#sql = sql;
    this.#t = t;
    this.#onChange = o.onChange ?? (() => undefined);
    this.#onError = o.onError ?? (() => undefined);
  }

  /** The evaluator to decide with now (a new one after an import). */
  get evaluator(): Evaluator<S> {
    if (this.#evaluator === undefined) throw new StoreError('closed', 'rolecall store: not loaded');
    return this.#evaluator;
  }

  /** The version of the directory this instance holds: the last change-log row it applied. */
  get version(): number {
    return this.#version;
  }

  /** The policy. */
  get policy(): Policy<S> {
    return this.#policy;
  }

  /**
   * Validates and writes one change; see `Change`. The writer's evaluator has it when this
   * resolves; other instances within the propagation delay.
   * @throws {RolecallError} the directory's validation error (nothing written).
   * @throws {StoreError} `not_allowed` (with `check`), `store_unavailable` (nothing written).
   */
  async apply(change: Change<S>, options: ApplyOptions = {}): Promise<ApplyResult> {
    const wanted = readChange(change);
    if (options.check && (typeof options.actor !== 'string' || options.actor.length === 0)) {
      throw new RolecallError({ code: 'invalid_value', message: '`check` needs the `actor`', path: 'actor', origin: 'change' });
    }
    return this.#exclusive(async () => {
      this.#open();
      let made: Applied | undefined;
      let committed = false;
      try {
        const out = await this.#sql.transaction(async (tx) => {
          const current = await this.#lockState(tx);
          await this.#catchUp(tx);
          const e = this.evaluator;
          // A role's assignments: whose access a role change changes (and what a removal with
          // `removeAssignments` removes).
          let holders: Record<string, unknown>[] = [];
          if (wanted.kind === 'role') {
            const roleId = wanted.remove ?? String(wanted.add?.id);
            wanted.removed = await readRow(tx, this.#t, 'role', roleId, wanted.remove !== undefined);
            // Every one for a removal with its assignments; else enough to know whether to list them.
            holders = await readHolders(tx, this.#t, roleId, wanted.removeAssignments ? undefined : HOLDERS_MAX + 1);
            if (wanted.removeAssignments) wanted.removedAssignments = holders;
          } else if (wanted.remove !== undefined) {
            wanted.removed = await readRow(tx, this.#t, wanted.kind, wanted.remove);
          }
          if (options.check) this.#check(e, wanted, options.actor ?? '');
          const before = accessOf(e, wanted, holders);
          made = makeChange(e, wanted);
          const diff = diffOf(made, before, accessOf(e, made, holders), holders);
          const id = made.add === undefined ? undefined : String(made.add.id);
          // Adding an assignment identical to one held changes nothing (the core's rule).
          if (made.kind !== 'role' && made.remove === undefined && id !== undefined && (await readRow(tx, this.#t, made.kind, id, false)) !== undefined) {
            made = undefined;
            return { version: current, id, changed: false, diff };
          }
          const version = current + 1;
          await writeChange(tx, this.#t, made, version, options.actor ?? null, diff);
          await this.#bump(tx, version);
          const replaced = made.kind === 'role' && made.add !== undefined ? { replaced: made.removed !== undefined } : {};
          return { version, id, changed: true, diff, ...replaced };
        });
        committed = true;
        if (out.changed) {
          this.#version = out.version;
          this.#onChange(out.version);
        }
        return out;
      } catch (e) {
        // The database refused (or the connection dropped): take the change back. Had the
        // commit gone through after all, the catch-up finds it in the log and applies it.
        if (made !== undefined && !committed) {
          try {
            undoChange(this.evaluator, made);
          } catch {
            await this.reload().catch(() => undefined);
          }
        }
        if (e instanceof RolecallError || e instanceof StoreError) throw e;
        const why = e instanceof Error ? e.message : String(e);
        throw new StoreError('store_unavailable', `rolecall store: the change was not written: the database refused or is unreachable (${why}); nothing changed`, { cause: e });
      }
    });
  }

  /**
   * The change log, newest first, filtered by subject, scope and since.
   * @throws {StoreError} `store_unavailable`.
   */
  async history(q: HistoryQuery = {}): Promise<HistoryEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.subject !== undefined) {
      params.push(text(q.subject, 'subject'));
      where.push(`subject = $${params.length}`);
    }
    if (q.scope !== undefined) {
      params.push(text(q.scope, 'scope'));
      where.push(`scope = $${params.length}`);
    }
    if (q.since !== undefined) {
      if (typeof q.since === 'number' && Number.isInteger(q.since)) {
        params.push(q.since);
        where.push(`version > $${params.length}`);
      } else {
        const at = new Date(q.since as string | Date);
        if (Number.isNaN(at.getTime())) throw invalidArg('since', '`since` is a version (integer) or a time');
        params.push(at.toISOString());
        where.push(`at >= $${params.length}`);
      }
    }
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidArg('limit', '`limit` is an integer from 1 to 1000');
    params.push(limit);
    const sql = `SELECT version, at, actor, subject, scope,
        CASE WHEN change->>'kind' = 'import' THEN '{"kind":"import"}'::jsonb ELSE change END AS change, diff
      FROM ${this.#t.changes} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY version DESC LIMIT $${params.length}`;
    const { rows } = await wrap('history', () => this.#sql.query(sql, params));
    return rows.map((r) => ({
      version: Number(r.version),
      at: new Date(r.at as string | Date),
      actor: (r.actor as string | null) ?? null,
      subject: (r.subject as string | null) ?? null,
      scope: (r.scope as string | null) ?? null,
      change: json(r.change) as HistoryEntry['change'],
      diff: json(r.diff) as HistoryEntry['diff'],
    }));
  }

  /** The directory document as the database holds it (for the CLI and policy test files). */
  async export(): Promise<DirectoryDocument<S>> {
    const { text: doc } = await wrap('export', () => readAll(this.#sql, this.#t));
    const out = JSON.parse(doc) as DirectoryDocument<S>;
    // As `evaluator.directory()` writes it: no `roles` when there are none.
    if (out.roles?.length === 0) delete out.roles;
    return out;
  }

  /**
   * Replaces the whole directory with `doc` (validated as loading validates it first), as one
   * change; every instance reloads. With `onlyIfEmpty`, only when the database has never held
   * a directory (the seed on first start).
   * @throws {RolecallError} the document's validation error; {StoreError} `store_unavailable`.
   */
  async import(doc: DirectoryDocument<S> | object | string, o: { actor?: string; onlyIfEmpty?: boolean } = {}): Promise<number> {
    const next = new Evaluator<S>(this.#policy, doc);
    const full = next.directory();
    return this.#exclusive(async () => {
      this.#open();
      const version = await wrap('import', () =>
        this.#sql.transaction(async (tx) => {
          const current = await this.#lockState(tx);
          if (o.onlyIfEmpty && current > 0) return undefined;
          const t = this.#t;
          for (const table of [t.scopes, t.assignments, t.grants, t.apiKeys, t.roles]) await tx.query(`DELETE FROM ${table}`);
          await bulkInsert(tx, t.scopes, ['id'], full.scopes);
          await bulkInsert(tx, t.roles, ['id', 'scope'], full.roles ?? []);
          await bulkInsert(tx, t.assignments, ['id', 'subject', 'role', 'scope'], full.assignments);
          await bulkInsert(tx, t.grants, ['id', 'subject', 'scope'], full.grants);
          await bulkInsert(tx, t.apiKeys, ['id', 'owner', 'scope'], full.api_keys);
          const v = current + 1;
          await tx.query(
            `INSERT INTO ${t.changes} (version, actor, change, diff) VALUES ($1, $2, $3::jsonb, '{}'::jsonb)`,
            [v, o.actor ?? null, JSON.stringify({ kind: 'import', directory: full })],
          );
          await this.#bump(tx, v);
          return v;
        }),
      );
      if (version === undefined) {
        next.free();
        return this.#version;
      }
      this.#evaluator?.free();
      this.#evaluator = next;
      this.#version = version;
      this.#onChange(version);
      return version;
    });
  }

  /** Loads the whole directory again from the tables (also after a failure made it uncertain). */
  async reload(): Promise<void> {
    const { text: doc, version } = await readAll(this.#sql, this.#t);
    const next = new Evaluator<S>(this.#policy, doc);
    this.#evaluator?.free();
    this.#evaluator = next;
    this.#version = version;
  }

  /**
   * Applies the change-log rows after this instance's version. The notification, the timer and
   * a reconnect call it; call it yourself to read others' writes at once.
   */
  async catchUp(): Promise<void> {
    if (this.#closed) return;
    await this.#exclusive(() => wrap('catch-up', () => this.#catchUp(this.#sql)));
  }

  /** Stops listening and the timer (the client stays open: it is the application's). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#unlisten?.();
    await this.#queue.catch(() => undefined);
    this.#evaluator?.free();
    this.#evaluator = undefined;
  }

  /** Starts LISTEN and the timer (called by `open`). */
  async start(pollMs: number): Promise<void> {
    const background = (): void => {
      this.catchUp().catch((e: unknown) => this.#onError(e));
    };
    this.#unlisten = await wrap('listen', () =>
      this.#sql.listen(this.#t.channel, { onNotify: background, onReconnect: background, onError: (e) => this.#onError(e) }),
    );
    // Changes committed between the load and LISTEN.
    background();
    if (pollMs > 0) {
      this.#timer = setInterval(background, pollMs);
      // Node: the timer does not keep the process alive.
      (this.#timer as unknown as { unref?: () => void }).unref?.();
    }
  }

  // --- internals ---------------------------------------------------------------------------

  #exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(f, f);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #open(): void {
    if (this.#closed) throw new StoreError('closed', 'rolecall store: closed');
  }

  /** Locks the state row (writers queue here) and returns the committed version. */
  async #lockState(tx: Tx): Promise<number> {
    const { rows } = await tx.query(`SELECT version FROM ${this.#t.state} FOR UPDATE`);
    return Number(rows[0]?.version ?? 0);
  }

  async #bump(tx: Tx, version: number): Promise<void> {
    await tx.query(`UPDATE ${this.#t.state} SET version = $1`, [version]);
    // Delivered at commit, to every instance listening (this one included: it finds nothing new).
    await tx.query('SELECT pg_notify($1, $2)', [this.#t.channel, String(version)]);
  }

  /** The change-log rows after this instance's version, applied in order. */
  async #catchUp(q: Tx): Promise<void> {
    for (;;) {
      const { rows } = await q.query(
        `SELECT version, change FROM ${this.#t.changes} WHERE version > $1 ORDER BY version LIMIT 500`,
        [this.#version],
      );
      for (const r of rows) {
        const change = json(r.change) as Applied | { kind: 'import'; directory: object };
        const version = Number(r.version);
        if (change.kind === 'import') {
          const next = new Evaluator<S>(this.#policy, (change as { directory: object }).directory);
          this.#evaluator?.free();
          this.#evaluator = next;
        } else {
          try {
            replayChange(this.evaluator, change as Applied);
          } catch (e) {
            // The log and this evaluator disagree (it should not happen): start over from the tables.
            this.#onError(e);
            await this.reload();
            return;
          }
        }
        this.#version = version;
        this.#onChange(version);
      }
      if (rows.length < 500) return;
    }
  }

  /**
   * `canRevoke` then `canAssign` for `actor` (an assignment), `canDefineRole` (a role: the one
   * defined, or the one removed); `not_allowed` with the first refusal.
   */
  #check(e: Evaluator<S>, c: Applied, actor: string): void {
    if (c.kind === 'role') {
      const role = (c.add ?? c.removed) as unknown as CustomRole<S>;
      const decision = e.canDefineRole({ actor, role });
      if (!decision.allowed) {
        const what = c.add !== undefined ? 'define' : 'remove';
        throw new StoreError('not_allowed', `rolecall store: \`${actor}\` may not ${what} role \`${role.id}\` (${decision.reason})`, { decision });
      }
      return;
    }
    if (c.kind !== 'assignment') {
      throw new StoreError('not_allowed', 'rolecall store: `check` applies to assignments and roles (grants and keys have no canAssign)');
    }
    const request = (a: Record<string, unknown>): AssignRequest<S> =>
      ({ actor, subject: a.subject, role: a.role, scope: a.scope, context: a.context }) as AssignRequest<S>;
    for (const [what, item, decide] of [
      ['remove', c.removed, (r: AssignRequest<S>) => e.canRevoke(r)],
      ['add', c.add, (r: AssignRequest<S>) => e.canAssign(r)],
    ] as const) {
      if (item === undefined) continue;
      const decision = decide(request(item));
      if (!decision.allowed) {
        throw new StoreError('not_allowed', `rolecall store: \`${actor}\` may not ${what} that assignment (${decision.reason})`, { decision });
      }
    }
  }
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalidArg(path, `\`${path}\` must be a non-empty string`);
  return v;
}

function invalidArg(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', message, path, origin: 'history' });
}
