// One interface over the two engines the store runs on: a `pg` pool (PostgreSQL over the
// network) and a PGlite database (PostgreSQL compiled to WebAssembly, in process). The store
// asks for three things only: a query, a transaction on one connection, and a LISTEN that
// survives a dropped connection (it reconnects and says so, so the store can catch up).
// Neither library is imported here: the application passes the object it made.

import { RolecallError } from '../index.js';

/** What the store needs of a query's result. */
export interface Rows {
  rows: Record<string, unknown>[];
}

/** A connection inside a transaction. */
export interface Tx {
  query(sql: string, params?: unknown[]): Promise<Rows>;
}

/** The engine, whichever it is. */
export interface Sql extends Tx {
  /** Runs `body` in one transaction (BEGIN ... COMMIT, ROLLBACK on any error). */
  transaction<T>(body: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channel`; `onNotify` for each notification, `onReconnect` after the listening
   * connection was lost and is back (notifications may have been missed meanwhile), `onError`
   * for a connection failure. Resolves once listening; the result stops it.
   */
  listen(
    channel: string,
    handlers: { onNotify(): void; onReconnect(): void; onError(e: unknown): void },
  ): Promise<() => Promise<void>>;
}

/** The part of a `pg` client the store uses. */
interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<Rows>;
  connect(): Promise<unknown>;
  end(): Promise<void>;
  on(event: string, f: (...args: unknown[]) => void): unknown;
  release?(err?: unknown): void;
}

/** The part of a `pg.Pool` the store uses. */
export interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<Rows>;
  connect(): Promise<PgClientLike>;
  /** The pool's client class and options: the listener is one more connection like the pool's. */
  Client?: new (options: unknown) => PgClientLike;
  options?: unknown;
}

/** The part of a PGlite database the store uses. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<Rows>;
  transaction<T>(body: (tx: Tx) => Promise<T>): Promise<T>;
  listen(channel: string, f: (payload: string) => void): Promise<() => Promise<void>>;
}

/** Wraps a `pg.Pool` or a PGlite database; anything else is refused with the reason. */
export function sqlOf(client: unknown): Sql {
  const c = client as Partial<PgPoolLike & PGliteLike> | null;
  if (c && typeof c.query === 'function' && typeof c.listen === 'function' && typeof c.transaction === 'function') {
    return pglite(c as PGliteLike);
  }
  if (c && typeof c.query === 'function' && typeof c.connect === 'function') return pgPool(c as PgPoolLike);
  throw new RolecallError({ code: 'invalid_value', path: 'client', message: '`client` must be a pg.Pool or a PGlite database' });
}

function pglite(db: PGliteLike): Sql {
  return {
    query: (sql, params) => db.query(sql, params),
    transaction: (body) => db.transaction(body),
    // In process: the connection cannot drop, so there is never a reconnect.
    listen: async (channel, { onNotify }) => db.listen(channel, () => onNotify()),
  };
}

/** Milliseconds between attempts to get the listening connection back. */
const RECONNECT_MS = [50, 100, 250, 500, 1000];

function pgPool(pool: PgPoolLike): Sql {
  return {
    query: (sql, params) => pool.query(sql, params),
    async transaction(body) {
      const c = await pool.connect();
      let failed: unknown;
      try {
        await c.query('BEGIN');
        const out = await body(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        failed = e;
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        // A connection that failed mid-transaction is not given back to the pool.
        c.release?.(failed === undefined ? undefined : true);
      }
    },
    async listen(channel, { onNotify, onReconnect, onError }) {
      if (!pool.Client) throw new RolecallError({ code: 'invalid_value', path: 'client', message: '`client` must be a pg.Pool (it has no Client class to listen with)' });
      const Client = pool.Client;
      let stopped = false;
      let current: PgClientLike | undefined;
      let attempt = 0;
      const connect = async (): Promise<void> => {
        const c = new Client(pool.options);
        current = c;
        let lost = false;
        const onLost = (e?: unknown): void => {
          if (lost || stopped) return;
          lost = true;
          if (e) onError(e);
          c.end().catch(() => undefined);
          retry();
        };
        c.on('error', (e) => onLost(e));
        c.on('end', () => onLost());
        c.on('notification', () => onNotify());
        try {
          await c.connect();
          await c.query(`LISTEN ${channel}`);
        } catch (e) {
          lost = true;
          c.end().catch(() => undefined);
          throw e;
        }
        attempt = 0;
      };
      const retry = (): void => {
        if (stopped) return;
        const wait = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
        attempt += 1;
        const t = setTimeout(() => {
          connect().then(onReconnect, (e: unknown) => {
            onError(e);
            retry();
          });
        }, wait);
        (t as unknown as { unref?: () => void }).unref?.();
      };
      await connect();
      return async () => {
        stopped = true;
        await current?.end().catch(() => undefined);
      };
    },
  };
}
