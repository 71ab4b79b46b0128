// Compile-time only: the generated wasm-bindgen modules must fit the interfaces the SDK codes
// against (src/binding.ts): the full build (dist/wasm/node.d.ts) with every server method, the
// lean browser build (dist/wasm/web.d.ts) with the rest. A renamed or retyped export fails; the
// objects they return are declared by the same .d.ts (tsify), so src/wire.ts is checked too.
import type * as Full from '../dist/wasm/node.js';
import type * as Lean from '../dist/wasm/web.js';
import type { NativeEvaluator, NativePolicy, ServerEvaluator } from '../src/binding.js';
import type { TestReport } from '../src/wire.js';

export const policy = (p: Lean.Policy): NativePolicy => p;
export const evaluator = (e: Lean.Evaluator): NativeEvaluator => e;
export const fullPolicy = (p: Full.Policy): NativePolicy => p;
export const fullEvaluator = (e: Full.Evaluator): NativeEvaluator & ServerEvaluator => e;
export const statics = (g: typeof Lean) => {
  const parse: (text: string) => Lean.Policy = g.Policy.parse;
  const create = (p: Lean.Policy, d: string): Lean.Evaluator => new g.Evaluator(p, d);
  const fromSnapshot: (p: Lean.Policy, s: string) => Lean.Evaluator = g.Evaluator.fromSnapshot;
  return { parse, create, fromSnapshot };
};
export const fullStatics = (g: typeof Full) => {
  const diff: (a: Full.Evaluator, b: Full.Evaluator) => string = g.diff;
  const run: (text: string, loader: (path: string) => string) => TestReport = g.runTestFile;
  return { diff, run };
};
