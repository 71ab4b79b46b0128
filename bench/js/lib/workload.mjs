// The shared workload's files, as the Rust `workload` binary writes them into bench/out: the
// policy and directory texts, the million queries, and the native engine's answers.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The policy and directory texts, as written by the workload binary. */
export function readWorkload(dir) {
  return {
    policyText: readFileSync(join(dir, 'policy.json'), 'utf8'),
    directoryText: readFileSync(join(dir, 'directory.json'), 'utf8'),
  };
}

/**
 * The million queries as one Int32Array of (subject, action, scope) table indexes, with the
 * three name tables. queries.json is converted once into queries.bin, so that no contender's
 * peak memory includes parsing a 10 MB JSON array.
 */
export function loadQueries(dir) {
  const bin = join(dir, 'queries.bin');
  const names = join(dir, 'queries.names.json');
  const src = join(dir, 'queries.json');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    const { subjects, actions, scopes, q } = JSON.parse(readFileSync(src, 'utf8'));
    writeFileSync(bin, new Int32Array(q));
    writeFileSync(names, JSON.stringify({ subjects, actions, scopes }));
  }
  const buf = readFileSync(bin);
  const q = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return { ...JSON.parse(readFileSync(names, 'utf8')), q };
}

/** The native engine's answers, one byte per query (1 allowed). */
export function loadExpected(dir) {
  const s = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  return Uint8Array.from(s, (c) => (c === '1' ? 1 : 0));
}
