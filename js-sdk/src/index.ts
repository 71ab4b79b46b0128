// The public API of the `rolecall` package, the same in every runtime. The entry files (Node,
// web) only load the WebAssembly module and re-export this.

export { init, type InitInput } from './binding.js';
export { RolecallError, type ErrorCode, type ErrorData } from './errors.js';
export { Policy } from './policy.js';
export { Evaluator } from './evaluator.js';
export { PreparedSubject } from './prepared.js';
export { Permissions } from './permissions.js';
export { diff, runTestFile } from './tools.js';
export type {
  AccessChange,
  AccessRow,
  AccessDiff,
  ApiKey,
  Assignment,
  AssignmentContext,
  AssignRequest,
  BulkOptions,
  CaseResult,
  CheckOptions,
  CopyRequest,
  CustomRole,
  Decision,
  DefineRequest,
  DirectoryDocument,
  DocumentInput,
  EffectiveEntry,
  FilterOptions,
  Grant,
  GrantSource,
  Holder,
  HolderSource,
  ManyOptions,
  Plan,
  PlanCondition,
  PlanDimension,
  PlanNotSubject,
  PlanScopes,
  PlanTerm,
  QueryContext,
  Reason,
  Reference,
  ReferenceAction,
  ReferenceCell,
  Requirement,
  Schema,
  ScopeNode,
  Snapshot,
  Target,
  TestReport,
  Time,
  WhoCan,
  WhoCanOptions,
} from './types.js';
