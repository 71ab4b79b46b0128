// What `rolecall codegen ts` emits for a policy (abridged), and a consumer using it: action and
// role names are checked at compile time; without a Schema, plain strings work. Type-checked by
// entries.test.mjs against the installed package, never run.
export type Action = 'refunds.create' | 'transfers.approve';
export type Permission = 'refunds:view' | 'refunds:manage' | 'transfers:authorize';
export type Role = 'operations' | 'payment_approver';
export type Dimension = 'country';
export type Resource = 'refunds' | 'transfers';
export type Level = 'view' | 'manage' | 'authorize';
export interface Schema {
  action: Action;
  permission: Permission;
  role: Role;
  dimension: Dimension;
  resource: Resource;
  level: Level;
}
