// Access review and policy tests: `diff` between two evaluators, and the runner of the policy
// test files (SPEC 6) that the CLI's `rolecall test` also runs.

import { invalid, text as textArg, wellFormedText } from './args.js';
import { notAvailable, wasm } from './binding.js';
import { call } from './errors.js';
import { evaluatorFfi, type Evaluator } from './evaluator.js';
import type { AccessDiff, Schema, TestReport } from './types.js';

/**
 * What each subject gains and loses at each scope from `before` to `after`.
 * @throws {RolecallError} `not_available` in the browser build.
 */
export function diff<S extends Schema, T extends Schema>(before: Evaluator<S>, after: Evaluator<T>): AccessDiff {
  const run = wasm().diff;
  if (run === undefined) throw notAvailable('diff');
  const a = evaluatorFfi(before, 'before');
  const b = evaluatorFfi(after, 'after');
  return JSON.parse(call(() => run(a, b))) as AccessDiff;
}

/**
 * Runs a policy test file (YAML or JSON text). `load(path)` returns the text of a policy or
 * directory the file names by path (resolve it relative to the test file); it may throw.
 * @throws {RolecallError} when the file, its policy or its directory does not load (a case that
 * fails is not an error: it is in the report); `not_available` in the browser build.
 */
export function runTestFile(text: string, load: (path: string) => string): TestReport {
  textArg(text, 'text');
  if (typeof load !== 'function') throw invalid('load', '`load` must be a function `(path) => text`');
  // The binding takes the loader's failure as a message string.
  const loader = (path: string): string => {
    try {
      return wellFormedText(String(load(path)), path);
    } catch (e) {
      throw e instanceof Error ? e.message : String(e);
    }
  };
  const run = wasm().runTestFile;
  if (run === undefined) throw notAvailable('runTestFile');
  return call(() => run(text, loader));
}
