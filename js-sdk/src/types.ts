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
  Decision,
  EffectiveEntry,
  GrantSource,
  Reason,
  ScopeNode,
  Snapshot,
  SnapshotScope,
  SourceKind,
  TestReport,
} from './wire.js';

/** Context qualifiers of an assignment: dimension to one value or a list. */
export type AssignmentContext<S extends Schema> = Partial<Record<S['dimension'], Wire.OneOrMany>>;

/** A role held by a subject at a scope (and below), as in the directory's `assignments`. */
export interface Assignment<S extends Schema = Schema> {
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
}

/** May `actor` give (or remove) `subject`'s `role` at `scope`? */
export interface AssignRequest<S extends Schema = Schema> {
  actor: string;
  subject: string;
  role: S['role'];
  scope: string;
  context?: AssignmentContext<S>;
}

/** A policy or a directory: YAML or JSON text, or the document as an object. */
export type DocumentInput = string | object;

// ---- Refinements against their generated twins --------------------------------------------
// With the plain `Schema` every refinement must equal its generated type: assignable both ways.
// A field added, dropped, renamed or retyped on either side fails to compile here.

/** `true` when `A` and `B` are assignable to each other, `never` otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;

/** Each refinement with the plain `Schema`, beside its generated twin. */
export type WireChecks = [
  Same<Assignment, Wire.Assignment>,
  Same<Grant, Wire.Grant>,
  Same<ApiKey, Wire.ApiKey>,
  Same<DirectoryDocument, Wire.DirectoryDocument>,
  Same<AssignRequest, Wire.AssignRequest>,
];
/** Fails to compile unless every check above is `true`. @internal */
export const wireChecks: WireChecks = [true, true, true, true, true];
