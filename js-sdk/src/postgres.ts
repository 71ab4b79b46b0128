// `rolecall/postgres`: the directory in PostgreSQL (a `pg.Pool`) or PGlite (PostgreSQL in
// process), kept current across server instances. Node only; `pg` and `@electric-sql/pglite`
// are optional peer dependencies: the application passes the client it made. See README
// ("Running with PostgreSQL") for the schema and the guarantees.

export {
  open,
  createTables,
  DirectoryStore,
  StoreError,
  type ApplyOptions,
  type ApplyResult,
  type HistoryEntry,
  type HistoryQuery,
  type OpenOptions,
  type StoreErrorCode,
} from './postgres/store.js';
export type { AccessDiff, Applied, Change, ItemKind } from './postgres/changes.js';
export { migrations, tablesOf, type Tables } from './postgres/schema.js';
