// A compiled policy. It owns the action table the fast path interns names with: built once per
// policy and shared by every evaluator over it.

import { freed, invalid, record, wellFormedText } from './args.js';
import { notAvailable, wasm, type NativePolicy } from './binding.js';
import { call } from './errors.js';
import type { DocumentInput, Reference, Schema } from './types.js';

/** What evaluators read from their policy; not part of the public API. */
export interface PolicyInternals {
  ffi: NativePolicy;
  /** Action name to id. */
  actionIds: Map<string, number>;
  /** 1 for an action with `distinct_from` (it needs a resource: never the fast path). */
  needsResource: Uint8Array;
}

let internalsOf: (p: Policy<Schema>) => PolicyInternals;

/** The internals of a policy, for the evaluator. */
export function policyInternals<S extends Schema>(p: Policy<S>): PolicyInternals {
  if (!(p instanceof Policy)) throw invalid('policy', '`policy` must be a `Policy` (from `Policy.parse`)');
  return internalsOf(p as unknown as Policy<Schema>);
}

/**
 * Text as is (well-formed Unicode: an unpaired surrogate is `invalid_value`, never U+FFFD); a
 * document object as JSON, where `JSON.stringify` escapes such a surrogate and the core refuses
 * it alike. Objects cross as that text rather than through serde-wasm-bindgen, which was slower
 * for directories, live updates and requests alike (bench/results.md, "Object inputs").
 */
export function documentText(input: DocumentInput, path = 'document'): string {
  return typeof input === 'string' ? wellFormedText(input, path) : record(input, path);
}

/** A validated policy (SPEC 1): static, versioned, shipped to clients. */
export class Policy<S extends Schema = Schema> {
  readonly #ffi: NativePolicy;
  readonly #actionIds: Map<string, number>;
  readonly #needsResource: Uint8Array;
  #hash: string | undefined;
  #freed = false;
  /** Action names in declared order. */
  readonly actions: readonly S['action'][];

  private constructor(ffi: NativePolicy) {
    this.#ffi = ffi;
    const names = ffi.actionNames();
    this.actions = names as S['action'][];
    this.#actionIds = new Map(names.map((n, i) => [n, i]));
    this.#needsResource = new Uint8Array(names.length);
    for (const id of ffi.actionsNeedingResource()) this.#needsResource[id] = 1;
  }

  /**
   * SHA-256 (hex) of the canonical form: the same in YAML or JSON, keys in any order. Computed
   * on first read (loading a policy does not need it).
   */
  get hash(): string {
    if (this.#freed) throw freed();
    return (this.#hash ??= this.#ffi.hash);
  }

  /**
   * Parses and validates a policy: YAML or JSON text, or the document as an object.
   * @throws {RolecallError} the first problem, with its path and (for text) line and column.
   */
  static parse<S extends Schema = Schema>(input: DocumentInput): Policy<S> {
    const text = documentText(input, 'policy');
    return new Policy<S>(call(() => wasm().Policy.parse(text)));
  }

  /**
   * The policy as its canonical JSON document (keys sorted, defaults filled in): what a browser,
   * whose build reads JSON only, parses to the same policy with the same hash. So a server that
   * reads YAML sends `JSON.stringify(policy)` (which calls this), and the page calls
   * `Policy.parse(text)`. Keys are sorted, so the order in which roles and actions were declared
   * is not kept (it is no part of the policy's meaning: the hash ignores it too), and
   * `policy.actions` of the parsed copy lists them in that sorted order.
   * @throws {RolecallError} `freed` after `free()`.
   */
  toJSON(): Record<string, unknown> {
    if (this.#freed) throw freed();
    const ffi = this.#ffi;
    return JSON.parse(call(() => ffi.canonicalJson())) as Record<string, unknown>;
  }

  /**
   * The permission reference: one row per action with the roles that allow it, the access
   * level each role holds on each resource, the levels and the rules (as `rolecall docs`).
   * Server build only: in a browser, fetch it from the server.
   * @throws {RolecallError} `not_available` in the browser build; `freed` after `free()`.
   */
  reference(): Reference {
    if (this.#freed) throw freed();
    const ffi = this.#ffi;
    if (typeof ffi.reference !== 'function') throw notAvailable('reference');
    const text = call(() => ffi.reference!());
    return JSON.parse(text) as Reference;
  }

  /**
   * Frees the WebAssembly memory now instead of at garbage collection. Evaluators made from it
   * keep working; making a new one from it is `freed`. Freeing twice does nothing.
   */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#ffi.free();
  }

  static {
    internalsOf = (p) => {
      if (p.#freed) throw freed();
      return { ffi: p.#ffi, actionIds: p.#actionIds, needsResource: p.#needsResource };
    };
  }
}
