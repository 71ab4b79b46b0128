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

/**
 * Writes `doc` (an object, checked as `record` checks it) into `parts`. An object with its own
 * `toJSON`, whose text only `JSON.stringify` knows, is written whole.
 * @throws {RolecallError} `invalid_value` at `path` for what `JSON.stringify` refuses.
 */
export function writeParts(doc: unknown, path: string, parts: NativeTextParts): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || typeof (doc as { toJSON?: unknown }).toJSON === 'function') {
    parts.push(record(doc, path));
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
          parts.push(buf);
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
  parts.push(`${buf}}`);
}
