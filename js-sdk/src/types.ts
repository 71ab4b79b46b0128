// The public data types: what goes in (queries, requests) and what comes out (decisions,
// reports). Names follow SPEC. The shapes that cross the boundary are declared once, in Rust
// (crates/rolecall-wasm/src/wire.rs), and generated into src/wire.ts: this file re-exports them,
// or refines them with the policy's `Schema` names (Assignment<S>, ...), each refinement tied to
// its generated twin by a check at the end of this file that fails to compile when the two
// disagree in either direction.

import type * as Wire from './wire.js';
import type { ScopeNode } from './wire.js';

/**
 * The names a policy declares, for compile-time checking. `rolecall codegen ts` emits one for a
 * policy (`export interface Schema { action: Action; permission: Permission; ... }`); without
 * it every name is a plain string.
 */
export interface Schema {
  action: string;
  permission: string;
  role: string;
  dimension: string;
  resource: string;
  level: string;
}

/** What a query asks about: an action (`transfers.approve`) or one permission (`transfers:authorize`). */
export type Target<S extends Schema> = S['action'] | S['permission'];

/**
 * The time of a query, for expiring API keys: a `Date`, milliseconds since the epoch, or RFC 3339
 * text. Omitted: the SDK reads the clock (only for a subject that is an expiring API key).
 * `null`: no time, as in the core (an expiring key is then `missing_time`).
 */
export type Time = Date | number | string | null;

/** Context qualifiers of a query: dimension to one value, or `"*"` for any value. */
export type QueryContext<S extends Schema> = Partial<Record<S['dimension'], string>>;

/**
 * The optional part of a check, after its positional `(subject, action, scope)`: context
 * qualifiers, resource attributes and time (docs/api.md).
 */
export interface CheckOptions<S extends Schema = Schema> {
  context?: QueryContext<S>;
  /** Attributes of the resource acted on (for `distinct_from`, e.g. `{ created_by: 'bob' }`). */
  resource?: Record<string, string>;
  now?: Time;
}

/** The optional part of the bulk forms (`allowedActions`, `scopesWhere`): no resource there. */
export type BulkOptions<S extends Schema = Schema> = Omit<CheckOptions<S>, 'resource'>;

/** The optional part of `canMany`: its pairs give actions and scopes, the time is shared. */
export type ManyOptions = Pick<CheckOptions, 'now'>;

// The data the binding exchanges, as generated from its Rust wire types (src/wire.ts): used as
// they are where the SDK has nothing to add.
export type {
  AccessChange,
  AccessDiff,
  CaseResult,
  CopyRequest,
  EffectiveEntry,
  GrantSource,
  PreparedDecisions,
  ScopeNode,
  Snapshot,
  SnapshotScope,
  SourceKind,
  TestReport,
} from './wire.js';

/**
 * Why a decision came out as it did: SPEC's codes, and `pending`, which only `SnapshotDecisions`
 * gives: a question its prepared decisions leave to the engine, denied until the engine answers.
 */
export type Reason = Wire.Reason | 'pending';

/** A decision: allowed or not, why, who granted it or what is missing, and a tooltip line. */
export interface Decision extends Omit<Wire.Decision, 'reason'> {
  reason: Reason;
}

/** Context qualifiers of an assignment: dimension to one value or a list. */
export type AssignmentContext<S extends Schema> = Partial<Record<S['dimension'], Wire.OneOrMany>>;

/** A role held by a subject at a scope (and below), as in the directory's `assignments`. */
export interface Assignment<S extends Schema = Schema> {
  /** Stable id; generated from the content when absent (docs/format.md). */
  id?: string;
  subject: string;
  role: S['role'];
  scope: string;
  /** Only when the query's context matches. */
  context?: AssignmentContext<S>;
  /** Permissions or actions removed from this assignment only. */
  except?: (S['permission'] | S['action'])[];
}

/** A permission (wildcards allowed) or one action given directly to a subject at a scope. */
export interface Grant<S extends Schema = Schema> {
  /** Stable id; generated from the content when absent (docs/format.md). */
  id?: string;
  subject: string;
  permission?: S['permission'] | string;
  action?: S['action'];
  scope: string;
  context?: AssignmentContext<S>;
}

/** An API key: holds its permissions only where its owner holds them too. */
export interface ApiKey<S extends Schema = Schema> {
  id: string;
  owner: string;
  scope: string;
  /** Permissions (wildcards allowed) or single actions. */
  permissions?: (S['permission'] | S['action'] | string)[];
  /** RFC 3339; the key is expired from this instant on. */
  expires_at?: string;
}

/** A directory document (SPEC 2), as `evaluator.directory()` returns it. */
export interface DirectoryDocument<S extends Schema = Schema> {
  scopes: ScopeNode[];
  assignments: Assignment<S>[];
  grants: Grant<S>[];
  api_keys: ApiKey<S>[];
  /** Custom roles; absent when there are none. */
  roles?: CustomRole<S>[];
}

/**
 * A custom role: defined at `scope` by an administrator, assignable there and below, deciding
 * as a policy role with the same grants would.
 */
export interface CustomRole<S extends Schema = Schema> {
  id: string;
  label?: string;
  scope: string;
  /**
   * Policy roles, or custom roles defined at the same scope or an ancestor (custom role ids are
   * data, so any string).
   */
  includes?: (S['role'] | string)[];
  /** Resource (or `*`) to levels (or `*`). */
  grants?: Partial<Record<string, Wire.OneOrMany>>;
  /** Single actions. */
  actions?: S['action'][];
  /** False: `canAssign` refuses it (`not_assignable`). Default true. */
  assignable?: boolean;
}

/** May `actor` define (create, or change) `role`? */
export interface DefineRequest<S extends Schema = Schema> {
  actor: string;
  role: CustomRole<S>;
}

/** May `actor` give (or remove) `subject`'s `role` at `scope`? */
export interface AssignRequest<S extends Schema = Schema> {
  actor: string;
  subject: string;
  role: S['role'];
  scope: string;
  context?: AssignmentContext<S>;
}

/**
 * The type TypeScript gives a JSON import of a `T` (`import snap from './snapshot.json'` with
 * `resolveJsonModule`, as a Vite app does): literal unions widen to `string` (written
 * `Reason | (string & {})`, so editors still offer the known values) and tuples to arrays of
 * their items' union (`[number, Assignment]` to `(number | Assignment)[]`). Every `T` is a
 * `FromJson<T>`.
 *
 * Input positions that take a value saved as JSON (`fromSnapshot`) take `FromJson<T>` of the
 * generated type, and a saved decision is a `FromJson<Decision>`: derived at the type level,
 * never a second shape written by hand. Chosen over a snapshot format with object items because
 * the format stays as it is (snapshots already sent, parity vectors and fuzz corpora stay
 * valid), outputs stay exact (`switch (decision.reason)` is still checked for exhaustiveness),
 * and the type cannot be the check anyway: the core reads every snapshot and refuses a pair that
 * is not `[index, item]` with its path.
 */
export type FromJson<T> = T extends string
  ? string extends T
    ? T
    : T | (string & {})
  : T extends number | boolean | null | undefined
    ? T
    : T extends readonly (infer E)[]
      ? FromJson<E>[]
      : { [K in keyof T]: FromJson<T[K]> };

/** A policy or a directory: YAML or JSON text, or the document as an object. */
export type DocumentInput = string | object;

/**
 * The optional part of `filter`: context values fixed for every row (the request's; the other
 * dimensions are read from each row), and the time (as a check's `now`).
 */
export interface FilterOptions<S extends Schema = Schema> {
  context?: QueryContext<S>;
  now?: Time;
}

export type { Plan, PlanCondition, PlanDimension, PlanNotSubject, PlanScopes, PlanTerm } from './wire.js';

/** The optional part of `whoCan`: a check's, for every subject at once. */
export type WhoCanOptions<S extends Schema = Schema> = CheckOptions<S>;

// Issue 18's outputs (who-can, the access review, the permission reference), as generated.
export type {
  AccessRow,
  DeniedBy,
  Holder,
  HolderSource,
  Reference,
  ReferenceAction,
  ReferenceCell,
  ReferenceLevel,
  ReferenceRole,
  ReferenceRow,
  ReferenceRule,
  Requirement,
  SubjectKind,
  WhoCan,
} from './wire.js';

// ---- Refinements against their generated twins --------------------------------------------
// With the plain `Schema` every refinement must equal its generated type: assignable both ways.
// A field added, dropped, renamed or retyped on either side fails to compile here.

/** `true` when `A` and `B` are assignable to each other, `never` otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;

/** `true` when `A` is assignable to `B`, `never` otherwise. */
type Fits<A, B> = [A] extends [B] ? true : never;

/** Each refinement with the plain `Schema`, beside its generated twin. */
export type WireChecks = [
  Same<Assignment, Wire.Assignment>,
  Same<Grant, Wire.Grant>,
  Same<ApiKey, Wire.ApiKey>,
  Same<DirectoryDocument, Wire.DirectoryDocument>,
  Same<AssignRequest, Wire.AssignRequest>,
  Same<CustomRole, Wire.CustomRole>,
  Same<DefineRequest, Wire.DefineRequest>,
  // What the SDK writes fits where it reads the same value back from JSON.
  Fits<Wire.Snapshot, FromJson<Wire.Snapshot>>,
  Fits<Wire.Decision, FromJson<Wire.Decision>>,
];
/** Fails to compile unless every check above is `true`. @internal */
export const wireChecks: WireChecks = [true, true, true, true, true, true, true, true, true];
