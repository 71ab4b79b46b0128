// Compile-time only: the generated wasm-bindgen module (dist/wasm/web.d.ts) must fit the
// interfaces the SDK codes against (src/binding.ts). A renamed or retyped export fails the build.
import type * as Generated from '../dist/wasm/web.js';
import type { NativeEvaluator, NativePolicy } from '../src/binding.js';

export const policy = (p: Generated.Policy): NativePolicy => p;
export const evaluator = (e: Generated.Evaluator): NativeEvaluator => e;
export const statics = (g: typeof Generated) => {
  const parse: (text: string) => Generated.Policy = g.Policy.parse;
  const create = (p: Generated.Policy, d: string): Generated.Evaluator => new g.Evaluator(p, d);
  const fromSnapshot: (p: Generated.Policy, s: string) => Generated.Evaluator = g.Evaluator.fromSnapshot;
  const diff: (a: Generated.Evaluator, b: Generated.Evaluator) => string = g.diff;
  const run: (text: string, loader: (path: string) => string) => string = g.runTestFile;
  return { parse, create, fromSnapshot, diff, run };
};
