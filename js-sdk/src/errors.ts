// Errors: SPEC's codes as a real Error class. The WebAssembly binding throws plain data
// `{ code, message, path, line, column, help, origin }`; `toError` is the one place it becomes a
// `RolecallError`, and every call into the binding goes through `call`.

import type * as Wire from './wire.js';

/**
 * Every error code: the core's (generated from its one list, `ErrorCode::ALL` in Rust), plus
 * `internal` (a bug), `not_initialized` (`init()` not awaited), `init_failed` (`init()` could not
 * load the `.wasm`), `not_available` (a server method called in the lean browser build) and
 * `freed` (a call on an object after its `free()`).
 */
export type ErrorCode =
  | Wire.ErrorCode
  | 'internal'
  | 'not_initialized'
  | 'init_failed'
  | 'not_available'
  | 'freed';

/** The data of an error, exactly as the binding sends it (or the SDK makes it, with its codes). */
export interface ErrorData extends Omit<Wire.ErrorData, 'code'> {
  code: ErrorCode;
}

/** An input error or a policy problem: a stable `code`, where it is, and a hint. */
export class RolecallError extends Error {
  /** SPEC's code, stable across Rust, WebAssembly and the CLI. */
  readonly code: ErrorCode;
  /** Where in the document (`roles.admin.includes[0]`); empty for the whole input. */
  readonly path: string;
  /** 1-based line, when the input was text. */
  readonly line: number | undefined;
  /** 1-based column, when the input was text. */
  readonly column: number | undefined;
  /** A suggestion (`did you mean \`operations\`?`). */
  readonly help: string | undefined;
  /** Which input: `policy`, `directory`, `snapshot`, `query`, a test file's path. */
  readonly origin: string | undefined;

  constructor(data: ErrorData) {
    super(render(data));
    this.name = 'RolecallError';
    this.code = data.code;
    this.path = data.path ?? '';
    this.line = data.line;
    this.column = data.column;
    this.help = data.help;
    this.origin = data.origin;
  }
}

/** The core's one-line form: `policy:3:5: unknown role \`x\` (at \`roles.a\`); did you mean ...`. */
function render(d: ErrorData): string {
  let s = '';
  if (d.origin !== undefined) {
    s += d.origin;
    if (d.line !== undefined) s += `:${d.line}:${d.column ?? 1}`;
    s += ': ';
  } else if (d.line !== undefined) {
    s += `line ${d.line}, column ${d.column ?? 1}: `;
  }
  s += d.message;
  if (d.path) s += ` (at \`${d.path}\`)`;
  if (d.help !== undefined) s += `; ${d.help}`;
  return s;
}

function isErrorData(e: unknown): e is ErrorData {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as ErrorData).code === 'string' &&
    typeof (e as ErrorData).message === 'string'
  );
}

/** Turns whatever the binding threw into the error the user sees. */
export function toError(e: unknown): unknown {
  if (e instanceof RolecallError || !(typeof e === 'object' && e !== null)) return e;
  if (isErrorData(e) && !(e instanceof Error)) return new RolecallError(e);
  // The binding's own words for an object freed behind the SDK's back (`free()` is checked
  // before every call; this is the backstop).
  if (e instanceof Error && e.message === 'null pointer passed to rust') {
    return new RolecallError({ code: 'freed', message: 'this object was freed', path: '' });
  }
  const runtime = (globalThis as { WebAssembly?: { RuntimeError?: new () => Error } }).WebAssembly
    ?.RuntimeError;
  if (runtime !== undefined && e instanceof runtime) {
    // A trap: the panic hook has printed the cause. The instance may be unusable from here on.
    return new RolecallError({
      code: 'internal',
      message: `internal error in the WebAssembly module (${(e as Error).message}); please report it`,
      path: '',
    });
  }
  return e;
}

/** Calls into the binding, converting what it throws. */
export function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toError(e);
  }
}
