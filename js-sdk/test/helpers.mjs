// Shared by the tests: where the repository's fixtures are, and the package under test (loaded
// by its own name, through package.json "exports", as a user would).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const sdk = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repo = join(sdk, '..');
export const examples = join(repo, 'examples', 'policies');
/** Written natively before the JS tests run (see the Makefile's js-fixtures). */
export const parityDir = process.env.ROLECALL_PARITY_DIR ?? join(repo, 'target', 'parity');

export function fixture(name) {
  const file = join(parityDir, name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: generate the native fixtures first (make js-fixtures)`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

export const read = (...parts) => readFileSync(join(...parts), 'utf8');

/** A seeded generator (mulberry32): numbers in [0, 1), the same for the same seed, so a failure replays. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

