// The evaluator's server-only methods: administration (`canAssign`, `canRevoke`, `canCopy`,
// `canDefineRole`), custom roles (`defineRole`, `removeRole`),
// who-can, the access review and its export, live directory updates and the directory document. Only the full build
// (Node) has them; the lean browser build answers `not_available`. A live update empties the
// decision cache, so no check after it reads a stale bit.

import { flag, options, record, text } from './args.js';
import { serverEvaluator, type NativeEvaluator, type ServerEvaluator } from './binding.js';
import type { DecisionCache } from './cache.js';
import { call, RolecallError } from './errors.js';
import type {
  AccessRow,
  ApiKey,
  Assignment,
  AssignRequest,
  CopyRequest,
  CustomRole,
  Decision,
  DefineRequest,
  DirectoryDocument,
  EffectiveEntry,
  Grant,
  Schema,
  Target,
  Time,
  WhoCan,
  WhoCanOptions,
} from './types.js';

/** One evaluator's server-only methods (documented on `Evaluator`, which exposes them). */
export class ServerMethods<S extends Schema> {
  readonly #ffi: NativeEvaluator;
  readonly #cache: DecisionCache;

  constructor(ffi: NativeEvaluator, cache: DecisionCache) {
    this.#ffi = ffi;
    this.#cache = cache;
  }

  effectivePermissions(): EffectiveEntry[] {
    return JSON.parse(call(() => this.#server('effectivePermissions').effectivePermissions())) as EffectiveEntry[];
  }

  canAssign(request: AssignRequest<S>): Decision {
    const r = record(request, 'request');
    return call(() => this.#server('canAssign').canAssign(r));
  }

  canRevoke(request: AssignRequest<S>): Decision {
    const r = record(request, 'request');
    return call(() => this.#server('canRevoke').canRevoke(r));
  }

  canCopy(request: CopyRequest): Decision {
    const r = record(request, 'request');
    return call(() => this.#server('canCopy').canCopy(r));
  }

  canDefineRole(request: DefineRequest<S>): Decision {
    const r = record(request, 'request');
    return call(() => this.#server('canDefineRole').canDefineRole(r));
  }

  defineRole(role: CustomRole<S>): boolean {
    const doc = record(role, 'role');
    return this.#update(() => this.#server('defineRole').defineRole(doc));
  }

  removeRole(id: string, o?: { removeAssignments?: boolean }): CustomRole<S> {
    const key = text(id, 'id');
    const remove = flag(options(o)?.removeAssignments, 'options.removeAssignments');
    return this.#update(() => this.#server('removeRole').removeRole(key, remove)) as CustomRole<S>;
  }

  addAssignment(assignment: Assignment<S>): number {
    const doc = record(assignment, 'assignment');
    return this.#update(() => this.#server('addAssignment').addAssignment(doc));
  }

  removeAssignment(ref: number | string): Assignment<S> {
    if (typeof ref === 'string') {
      const id = text(ref, 'id');
      return this.#update(() => this.#server('removeAssignmentById').removeAssignmentById(id)) as Assignment<S>;
    }
    const i = indexOf(ref);
    return this.#update(() => this.#server('removeAssignment').removeAssignment(i)) as Assignment<S>;
  }

  assignmentId(index: number): string | undefined {
    return this.#server('assignmentId').assignmentId(indexOf(index)) ?? undefined;
  }

  grantId(index: number): string | undefined {
    return this.#server('grantId').grantId(indexOf(index)) ?? undefined;
  }

  addGrant(grant: Grant<S>): number {
    const doc = record(grant, 'grant');
    return this.#update(() => this.#server('addGrant').addGrant(doc));
  }

  removeGrant(ref: number | string): Grant<S> {
    if (typeof ref === 'string') {
      const id = text(ref, 'id');
      return this.#update(() => this.#server('removeGrantById').removeGrantById(id)) as Grant<S>;
    }
    const i = indexOf(ref);
    return this.#update(() => this.#server('removeGrant').removeGrant(i)) as Grant<S>;
  }

  addApiKey(key: ApiKey<S>): void {
    const doc = record(key, 'key');
    this.#update(() => this.#server('addApiKey').addApiKey(doc));
  }

  removeApiKey(id: string): ApiKey<S> {
    const key = text(id, 'id');
    return this.#update(() => this.#server('removeApiKey').removeApiKey(key)) as ApiKey<S>;
  }

  whoCan(target: Target<S>, scope: string, o: WhoCanOptions<S> = {}): WhoCan {
    const isPermission = target.includes(':');
    const r = JSON.stringify({
      action: isPermission ? undefined : target,
      permission: isPermission ? target : undefined,
      scope,
      context: o.context,
      resource: o.resource,
      now: timeText(o.now),
    });
    return JSON.parse(call(() => this.#server('whoCan').whoCan(r))) as WhoCan;
  }

  accessReport(format: 'csv'): string;
  accessReport(format: 'json'): AccessRow[];
  accessReport(format: 'csv' | 'json'): string | AccessRow[] {
    const text = call(() => this.#server('accessReport').accessReport(format));
    return format === 'json' ? (JSON.parse(text) as AccessRow[]) : text;
  }

  directory(): DirectoryDocument<S> {
    return JSON.parse(call(() => this.#server('directory').directory())) as DirectoryDocument<S>;
  }

  /** The binding's server methods, or `not_available` in the lean build. */
  #server(method: string): ServerEvaluator {
    return serverEvaluator(this.#ffi, method);
  }

  /** A live update: the core changes the directory (or nothing, on error); the cache starts over. */
  #update<T>(f: () => T): T {
    try {
      return call(f);
    } finally {
      // Also after an error: the core promises nothing changed, and starting over costs little.
      this.#cache.invalidate();
    }
  }
}

/** RFC 3339 text: the clock when omitted (some subject may be an expiring key), none for `null`. */
function timeText(now: Time | undefined): string | undefined {
  if (now === null) return undefined;
  if (now === undefined) return new Date().toISOString();
  if (typeof now === 'string') return now;
  return (typeof now === 'number' ? new Date(now) : now).toISOString();
}

/** An index for the binding: a whole number, or `unknown_assignment` here rather than a wrapped one. */
function indexOf(index: number): number {
  if (Number.isInteger(index) && index >= 0 && index <= 0xffff_ffff) return index;
  throw new RolecallError({
    code: 'unknown_assignment',
    // Not String(index): an object without a prototype has no string form (a TypeError).
    message: `no item at index ${typeof index === 'number' ? index : `of type ${typeof index}`}`,
    path: 'index',
  });
}
