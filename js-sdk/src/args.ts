// Arguments checked before they reach WebAssembly. wasm-bindgen reads whatever it is given as the
// type it expects: a number where a string belongs is read as a pointer (a trap), an unpaired
// UTF-16 surrogate becomes U+FFFD (two ids become one), a float id is truncated and a large one
// wraps. So every public function checks its arguments here first, and anything wrong is a
// `RolecallError` (`invalid_value`, `freed`), never a trap, a `TypeError` or an answer.
//
// The hot path pays for none of it: `can` checks three `typeof`s inline and comes here only when
// one fails; names reach WebAssembly (and are checked for surrogates) once, when first interned.

import { RolecallError } from './errors.js';
import type { Time } from './types.js';

/** The `invalid_value` error for the argument at `path`. */
export function invalid(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', message, path });
}

/** The error of any call on an evaluator or a policy after its `free()`. */
export function freed(): RolecallError {
  return new RolecallError({
    code: 'freed',
    message: 'this object was freed',
    path: '',
    help: 'make a new one; `free()` releases the WebAssembly memory for good',
  });
}

/** What a value is, for messages: `a number`, `null`, `an object`. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' || t === 'undefined' ? (t === 'object' ? 'an object' : 'missing') : `a ${t}`;
}

// Node 20 and every current browser have `isWellFormed`; the pattern is for older ones.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/** `s`, when it is well-formed Unicode; otherwise `invalid_value` at `path`. */
export function wellFormedText(s: string, path: string): string {
  if (!wellFormed(s)) {
    throw new RolecallError({
      code: 'invalid_value',
      message: 'an unpaired UTF-16 surrogate in a string',
      path,
      help: 'text must be well-formed Unicode',
    });
  }
  return s;
}

/** A required string argument: a string of well-formed Unicode. */
export function text(v: unknown, path: string): string {
  if (typeof v !== 'string') throw invalid(path, `\`${path}\` must be a string, not ${kind(v)}`);
  return wellFormedText(v, path);
}

/** An optional boolean argument: `undefined` is `false`; anything but a boolean is `invalid_value`. */
export function flag(v: unknown, path: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalid(path, `\`${path}\` must be a boolean, not ${kind(v)}`);
  return v;
}

/** An optional options object: `undefined`, or an object (not `null`, not an array). */
export function options<T extends object>(v: T | undefined, path = 'options'): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalid(path, `\`${path}\` must be an object, not ${kind(v)}`);
  }
  return v;
}

/** The earliest and latest instants RFC 3339 can write (years 0000 to 9999), in milliseconds. */
const MIN_TIME = -62_167_219_200_000;
const MAX_TIME = 253_402_300_799_999;

/**
 * A query's time: `undefined` (the clock), `null` (no time), RFC 3339 text (the core parses
 * it), or a `Date` or milliseconds for an instant RFC 3339 can write. `NaN`, infinities, an
 * invalid `Date` and years outside 0000..9999 are `invalid_value`, in every path alike.
 */
export function time(v: unknown): Time | undefined {
  if (v === undefined || v === null) return v;
  if (typeof v === 'string') return wellFormedText(v, 'now');
  const ms = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : undefined;
  if (ms === undefined) throw invalid('now', `\`now\` must be a Date, milliseconds or RFC 3339 text, not ${kind(v)}`);
  if (!(ms >= MIN_TIME && ms <= MAX_TIME)) {
    throw invalid('now', `\`now\` is not a time between the years 0000 and 9999 (${String(ms)} ms)`);
  }
  return v as Time;
}

/** Whether `v` is an id the binding reads as is: an integer from 0 to 2^32 - 1. */
export function isId(v: unknown): v is number {
  return typeof v === 'number' && v >>> 0 === v;
}

/** A document as JSON text; a value `JSON.stringify` cannot write (a cycle, a BigInt) is `invalid_value`. */
export function json(v: unknown, path: string): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch (e) {
    throw invalid(path, `\`${path}\` cannot be written as JSON (${(e as Error).message})`);
  }
  if (s === undefined) throw invalid(path, `\`${path}\` must be an object, not ${kind(v)}`);
  return s;
}

/** An object argument (a request, a record): an object, not `null` or an array. */
export function record(v: unknown, path: string): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalid(path, `\`${path}\` must be an object, not ${kind(v)}`);
  }
  return json(v, path);
}

/** Bytes of `s` in UTF-8 (the core's limits count bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Two bytes below U+0800, three above, four for a surrogate pair (two units).
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/** The core's longest id (subject, scope, context value), in bytes (`limits.rs`). */
const MAX_ID_LEN = 256;
/** The core's longest action (two names of 128 bytes and a dot) or permission, in bytes. */
const MAX_TARGET_LEN = 257;

/** `limit_exceeded` when `s` is over `max` bytes: checked before any other work on it. */
function within(s: string, max: number, path: string): void {
  // A string has at least as many UTF-8 bytes as UTF-16 units, at most three times as many.
  // Counting a megabyte's bytes would cost more than the check: beyond `max` units, say so.
  const bytes = s.length > max ? s.length : s.length > max / 3 ? utf8Length(s) : 0;
  if (bytes > max) {
    throw new RolecallError({
      code: 'limit_exceeded',
      message: `${/^[aeiou]/.test(path) ? 'an' : 'a'} ${path} is at most ${max} bytes, and this one has ${s.length > max ? 'at least ' : ''}${bytes}`,
      path,
    });
  }
}

/**
 * An id that reaches the binding outside JSON (a subject's handle): a string of at most 256
 * bytes (`limit_exceeded`) of well-formed Unicode, as the core requires of ids in a query.
 */
export function idText(v: unknown, path: string): string {
  if (typeof v === 'string') within(v, MAX_ID_LEN, path);
  return text(v, path);
}

/**
 * A query's names within the core's limits, checked in JavaScript before a query is written:
 * a megabyte name costs no JSON and no copy into WebAssembly (the core checks them too).
 */
export function queryLimits(subject: string, target: string | undefined, scope: string | undefined): void {
  within(subject, MAX_ID_LEN, 'subject');
  // A permission's `:` comes after a resource name (128 bytes at most): no need to look further.
  if (target !== undefined) within(target, MAX_TARGET_LEN, target.lastIndexOf(':', 129) >= 0 ? 'permission' : 'action');
  if (scope !== undefined) within(scope, MAX_ID_LEN, 'scope');
}
