// A document given as an object, written as JSON text into WebAssembly memory a part at a time
// (the binding's `TextParts`): one list item at a time, so the whole text never sits in the JS
// heap beside the compile. As one `JSON.stringify` string, a million assignments from an object
// peaked at 3.7x the text's size against 2.4x from text (bench/results.md, "Large directories").
// The text is `JSON.stringify`'s: the same keys in the same order, the same escapes, `null` for
// what a list cannot hold, and the same refusals (a cycle, a BigInt: `invalid_value`).

import { invalid, record } from './args.js';
import type { NativeTextParts } from './binding.js';

/** A part is sent once it reaches this many UTF-16 units. */
const PART = 1 << 16;

/** UTF-16 units of a text encoded and sent in one step by `pushText`. */
const SLICE = 1 << 16;
const encoder = new TextEncoder();
/** `pushText`'s buffer, made on first use and reused: 3 bytes per unit at most. */
let scratch: Uint8Array | undefined;

/**
 * Sends `text` (well-formed) into `parts` as UTF-8, a slice at a time through one reused buffer
 * (`TextEncoder.encodeInto`, native). The binding's string argument would be copied by its glue
 * a UTF-16 unit at a time in JavaScript, unoptimized in a cold process: for the benchmark's
 * 5 MB directory that copy was the largest single cost of a cold load (bench/results.md,
 * "Directory loading, second round").
 */
export function pushText(parts: NativeTextParts, text: string): void {
  scratch ??= new Uint8Array(3 * SLICE);
  for (let i = 0; i < text.length; ) {
    let j = Math.min(text.length, i + SLICE);
    // A slice is encoded alone: never end one between the two halves of a surrogate pair.
    const last = text.charCodeAt(j - 1);
    if (j < text.length && last >= 0xd800 && last <= 0xdbff) j -= 1;
    const { written } = encoder.encodeInto(j - i === text.length ? text : text.slice(i, j), scratch);
    parts.pushBytes(scratch.subarray(0, written));
    i = j;
  }
}

/**
 * Writes `doc` (an object, checked as `record` checks it) into `parts`. An object with its own
 * `toJSON`, whose text only `JSON.stringify` knows, is written whole.
 * @throws {RolecallError} `invalid_value` at `path` for what `JSON.stringify` refuses.
 */
export function writeParts(doc: unknown, path: string, parts: NativeTextParts): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || typeof (doc as { toJSON?: unknown }).toJSON === 'function') {
    pushText(parts, record(doc, path));
    return;
  }
  const stringify = (v: unknown): string | undefined => {
    try {
      return JSON.stringify(v);
    } catch (e) {
      throw invalid(path, `\`${path}\` cannot be written as JSON (${(e as Error).message})`);
    }
  };
  const o = doc as Record<string, unknown>;
  let buf = '{';
  let first = true;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      buf += `${first ? '' : ','}${JSON.stringify(key)}:[`;
      for (let i = 0; i < v.length; i++) {
        if (i > 0) buf += ',';
        buf += stringify(v[i]) ?? 'null';
        if (buf.length >= PART) {
          pushText(parts, buf);
          buf = '';
        }
      }
      buf += ']';
    } else {
      const text = stringify(v);
      if (text === undefined) continue; // as JSON.stringify leaves out an undefined or a function
      buf += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    }
    first = false;
  }
  pushText(parts, `${buf}}`);
}
