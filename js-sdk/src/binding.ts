// The shape of the generated wasm-bindgen module, as the SDK uses it, and the slot the entry
// file of each runtime (node, web) fills. Nothing here is exported to users: the generated names
// stay behind this interface (checked against both generated .d.ts by `npm run check`).
// Two builds: the full one (Node) and the lean one (browsers), which lacks the server's methods.

import { RolecallError } from './errors.js';
import type * as Wire from './wire.js';

/** A compiled policy inside the WebAssembly module. */
export interface NativePolicy {
  readonly hash: string;
  /** The canonical JSON form (the text the hash is taken of). */
  canonicalJson(): string;
  actionNames(): string[];
  actionsNeedingResource(): Uint32Array;
  /** Full build only. */
  reference?(): string;
  free(): void;
}

/** An evaluator's methods that only the full build (Node) has. */
export interface ServerEvaluator {
  /** `Wire.EffectiveEntry[]` as JSON (large: JSON.parse is faster than objects across). */
  effectivePermissions(): string;
  canAssign(request: string): Wire.Decision;
  canRevoke(request: string): Wire.Decision;
  canCopy(request: string): Wire.Decision;
  canDefineRole(request: string): Wire.Decision;
  defineRole(role: string): boolean;
  removeRole(id: string, removeAssignments: boolean): Wire.CustomRole;
  addAssignment(assignment: string): number;
  removeAssignment(index: number): Wire.Assignment;
  removeAssignmentById(id: string): Wire.Assignment;
  assignmentId(index: number): string | undefined;
  addGrant(grant: string): number;
  removeGrant(index: number): Wire.Grant;
  removeGrantById(id: string): Wire.Grant;
  grantId(index: number): string | undefined;
  addApiKey(key: string): void;
  removeApiKey(id: string): Wire.ApiKey;
  /** `Wire.DirectoryDocument` as JSON. */
  directory(): string;
  whoCan(request: string): string;
  accessReport(format: string): string;
  /** `Wire.Snapshot` with `decisions`, as JSON. */
  preparedSnapshot(subject: string): string;
}

/**
 * An evaluator inside the WebAssembly module: JSON text in; decisions out as plain objects (the
 * wire types), lists and large reports as JSON text of a wire type; integers on the hot path.
 */
export interface NativeEvaluator extends Partial<ServerEvaluator> {
  /** An object in the full build; JSON text of one in the lean browser build. */
  check(query: string): Wire.Decision | string;
  can(query: string): boolean;
  subjectHandle(subject: string): number;
  scopeHandle(scope: string): number | undefined;
  scopeIds(): string[];
  expiringSubjects(): Uint32Array;
  canPrepared(subject: number, action: number, scope: number, nowMs: number): boolean;
  canMany(subject: number, pairs: Uint32Array, nowMs: number): Uint8Array;
  allowedBits(subject: number, scope: number): Uint32Array;
  /** `string[]` as JSON. */
  allowedActions(request: string): string;
  /** `string[]` as JSON. */
  scopesWhere(request: string): string;
  /** `Wire.Plan` as JSON. */
  filter(request: string): string;
  /** `Wire.Snapshot` as JSON. */
  snapshot(subject: string): string;
  free(): void;
}

/** JSON text assembled in WebAssembly memory (parts.ts). */
export interface NativeTextParts {
  push(part: string): void;
  /** A part as UTF-8 (parts.ts `pushText`). */
  pushBytes(part: Uint8Array): void;
  free(): void;
}

/** The generated module. */
export interface Binding {
  Policy: { parse(text: string): NativePolicy };
  Evaluator: {
    new (policy: NativePolicy, directory: string): NativeEvaluator;
    fromSnapshot(policy: NativePolicy, snapshot: string): NativeEvaluator;
    /** Takes `parts` (it is empty afterwards). */
    fromParts(policy: NativePolicy, parts: NativeTextParts): NativeEvaluator;
  };
  TextParts: { new (): NativeTextParts };
  /** Full build only. */
  /** Full build only. `Wire.AccessDiff` as JSON. */
  diff?(before: NativeEvaluator, after: NativeEvaluator): string;
  /** Full build only. The generated type is `Function`; the SDK always passes this shape. */
  runTestFile?(text: string, loader: (path: string) => string): Wire.TestReport;
}

/** The error of a method the lean browser build does not have. */
export function notAvailable(method: string): RolecallError {
  return new RolecallError({
    code: 'not_available',
    message: `\`${method}\` is not in the browser build of rolecall`,
    path: '',
    help: 'call it on the server (Node), where the full build runs; browsers decide from snapshots',
  });
}

/** The evaluator's server methods, or `not_available` in the lean build. */
export function serverEvaluator(e: NativeEvaluator, method: string): NativeEvaluator & ServerEvaluator {
  if (typeof e.directory !== 'function') throw notAvailable(method);
  return e as NativeEvaluator & ServerEvaluator;
}

/** What `init()` does in a runtime whose module loads asynchronously (the web). */
export type Initializer = (input?: InitInput) => Promise<Binding>;

/**
 * Where the web build finds its `.wasm`: a URL (string or `URL`), a `fetch` `Response` or its
 * promise, the bytes, or a compiled `WebAssembly.Module`. Omitted: next to the module, which
 * Vite and webpack resolve through `new URL(..., import.meta.url)`; other bundlers (esbuild)
 * import `rolecall/rolecall.wasm` and pass what they get (docs/api.md, "Loading the module").
 */
// `object` covers `Response`, its promise and `WebAssembly.Module`, whose declarations not every
// project's `lib` has.
export type InitInput = string | URL | ArrayBuffer | ArrayBufferView | object;

/** How `init_failed` names what `init()` tried to load. */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'the default URL (`rolecall_wasm_bg.wasm` next to rolecall\'s module)';
  if (typeof input === 'string') return `the URL \`${input}\``;
  if (typeof URL !== 'undefined' && input instanceof URL) return `the URL \`${input.href}\``;
  if (typeof Response !== 'undefined' && input instanceof Response) {
    return `a Response (${input.status}${input.url ? ` from \`${input.url}\`` : ''})`;
  }
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return `${input.byteLength} bytes`;
  if (input instanceof WebAssembly.Module) return 'a WebAssembly.Module';
  if (typeof input === 'object' && input !== null && typeof (input as PromiseLike<unknown>).then === 'function') {
    return 'a promise of a Response';
  }
  return `a value of type ${input === null ? 'null' : typeof input}`;
}

/** The error of a `.wasm` that could not be loaded: what was tried and why it failed. */
export function initFailed(input: unknown, cause: unknown): RolecallError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new RolecallError({
    code: 'init_failed',
    message: `could not load the WebAssembly module from ${describeInput(input)}: ${why}`,
    path: 'init',
    help:
      'pass the .wasm to `init()`: `import wasm from "rolecall/rolecall.wasm"` with your bundler\'s ' +
      'loader for .wasm files (bytes, a URL or a WebAssembly.Module), or its URL or a fetch Response',
  });
}

let current: Binding | undefined;
let initializer: Initializer | undefined;

/** Called by the entry file: Node loads synchronously and sets the binding at import. */
export function setBinding(b: Binding): void {
  current = b;
}

/** Called by the web entry file. */
export function setInitializer(f: Initializer): void {
  initializer = f;
}

/** The loaded module, or `not_initialized`. */
export function wasm(): Binding {
  if (current === undefined) {
    throw new RolecallError({
      code: 'not_initialized',
      message: 'the WebAssembly module is not loaded yet',
      path: '',
      help: 'call `await init()` once before using rolecall in a browser',
    });
  }
  return current;
}

/**
 * Loads the WebAssembly module. Needed once in browsers (and with bundlers) before anything
 * else; in Node the module loads synchronously at import and this resolves at once.
 */
export async function init(input?: InitInput): Promise<void> {
  if (current !== undefined) return;
  if (initializer === undefined) {
    throw new RolecallError({
      code: 'not_initialized',
      message: 'no WebAssembly loader for this runtime',
      path: '',
    });
  }
  try {
    current = await initializer(input);
  } catch (e) {
    throw e instanceof RolecallError ? e : initFailed(input, e);
  }
}
