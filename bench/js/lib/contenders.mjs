// Who runs, in which modes, and what each ships to a browser (the one-line bundle entry).
// Fast contenders first, so a run shows most of its results early; casbin and Cedar take
// minutes for one pass over the million queries.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const sdkDist = join(here, '..', '..', '..', 'js-sdk', 'dist');

export const contenders = [
  {
    name: 'mapset',
    label: 'baseline-mapset',
    modes: [{ mode: 'names', label: 'Maps and Sets, by names' }],
    bundle: "export { setup } from './contenders/mapset.mjs';",
  },
  {
    name: 'bitset',
    label: 'baseline-bitset',
    modes: [{ mode: 'ids', label: 'precomputed bits, integer handles' }],
    bundle: "export { setup } from './contenders/bitset.mjs';",
  },
  {
    name: 'rolecall',
    label: 'rolecall',
    modes: [
      { mode: 'can', label: 'can(subject, action, scope)' },
      { mode: 'prepared', label: 'prepare(subject).can(action, scope)' },
      { mode: 'ids', label: 'prepared.canIds(actionId, scopeId)' },
      { mode: 'batch-ids', label: 'batch: prepared.canManyIds(pairs)' },
      { mode: 'batch-names', label: 'batch: canMany(subject, pairs)' },
    ],
    bundle: `export { init, Policy, Evaluator } from ${JSON.stringify(join(sdkDist, 'web.js'))};`,
    wasm: [join(sdkDist, 'wasm', 'rolecall_wasm_bg.wasm')],
  },
  {
    name: 'casl',
    label: '@casl/ability',
    modes: [
      { mode: 'condition', label: 'per-user Ability, scope as condition' },
      { mode: 'subject-type', label: 'per-user Ability, scope in subject type' },
    ],
    bundle: "export { AbilityBuilder, createMongoAbility, subject } from '@casl/ability';",
  },
  {
    name: 'accesscontrol',
    label: 'accesscontrol',
    modes: [{ mode: 'names', label: 'role-scope roles, scope in resource name' }],
    bundle: "export { AccessControl } from 'accesscontrol';",
  },
  {
    name: 'casbin',
    label: 'casbin',
    modes: [{ mode: 'names', label: 'RBAC with domains, root in matcher' }],
    bundle: "export { newEnforcer, newModelFromString, StringAdapter } from 'casbin';",
  },
  {
    name: 'cedar',
    label: '@cedar-policy/cedar-wasm',
    modes: [{ mode: 'names', label: 'pre-parsed policies, statefulIsAuthorized' }],
    // The ES module build imports its .wasm, which esbuild emits as an asset: both counted.
    bundle: "export { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm';",
  },
];
