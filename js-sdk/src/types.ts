// The public data types: what goes in (queries, requests) and what comes out (decisions,
// reports). Names follow SPEC. The shapes that cross the boundary are declared once, in Rust
// (crates/rolecall-wasm/src/wire.rs), and generated into src/wire.ts: this file re-exports them,
// or refines them with the policy's `Schema` names (Assignment<S>, ...), each refinement tied to
// its generated twin by a check at the end of this file that fails to compile when the two
// disagree in either direction.

import type * as Wire from './wire.js';
import type { GrantSource, ScopeNode } from './wire.js';

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

/** A source of a subject in a `whoCan` answer: a `GrantSource` and its context, written out. */
export interface HolderSource extends GrantSource {
  /** `country: CL, MX`, for a source with a context. */
  context?: string;
}

/** A subject in a `whoCan` answer. */
export interface Holder {
  subject: string;
  kind: 'user' | 'api_key';
  /** The key's owner, for an API key. */
  owner?: string;
  /** Allowed: the sources that allow it (a key's, then its owner's). Review: those that would. */
  sources: HolderSource[];
  /** Review only: what denies it. */
  denied_by?: 'context_mismatch' | 'except';
}

/** Who may do an action at a scope, and who is denied only by a context or an `except`. */
export interface WhoCan {
  allowed: Holder[];
  review: Holder[];
}

/** One row of the access-review export. */
export interface AccessRow {
  subject: string;
  kind: 'user' | 'api_key';
  /** The scope the source was given at (it covers that scope's subtree). */
  scope: string;
  /** `resource:level`, or an action name for a single-action grant. */
  permission: string;
  source: GrantSource;
  /** The key's owner, for an API key. */
  owner?: string;
  context?: string;
}

/** One permission an action requires, by label. */
export interface Requirement {
  permission: string;
  resource: string;
  level: string;
}

/** A row of the permission reference's action table. */
export interface ReferenceAction {
  name: string;
  label: string;
  requires: Requirement[];
  /** The assignable roles that allow it, by name. */
  roles: string[];
  /** The roles column as written: labels, or `Admin only`, or `No role`. */
  allowed_by: string;
  distinct_from?: string;
}

/** What one role holds on one resource. */
export interface ReferenceCell {
  /** The highest levels held, by name. */
  levels: string[];
  /** Single actions held beyond those levels, by name. */
  actions: string[];
  /** `Manage`, `View + 1 action`, or empty. */
  text: string;
}

/**
 * The permission reference of a policy (`policy.reference()`, `rolecall docs`). Keys are the
 * core's, as in the policy document (`allowed_by`, `distinct_from`).
 */
export interface Reference {
  roles: { name: string; label: string; assignable: boolean; description?: string }[];
  actions: ReferenceAction[];
  /** One row per resource; `cells` in the order of `roles`. */
  matrix: { resource: string; label: string; cells: ReferenceCell[] }[];
  levels: { name: string; label: string; implies: string[]; description?: string }[];
  rules: { kind: string; text: string }[];
  /** How the action table lists roles, in one sentence. */
  note: string;
}

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
  Same<CustomRole, Wire.CustomRole>,
  Same<DefineRequest, Wire.DefineRequest>,
];
/** Fails to compile unless every check above is `true`. @internal */
export const wireChecks: WireChecks = [true, true, true, true, true, true, true];
