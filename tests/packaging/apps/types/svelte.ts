// docs/gating.md's Svelte stores, type-checked under --strict.
import { Permissions, Policy } from 'rolecall';
import { can, createPermissionStore, decision, permissions, scopesWhere, type Readable } from 'rolecall/svelte';
import type { Decision } from 'rolecall';

declare const policy: Policy;
declare const snapshot: string;

const store = createPermissionStore(Permissions.fromSnapshot(policy, snapshot));
const refund: Readable<Decision> = decision(store, 'refunds.create', 'acme-cl', { context: { country: 'CL' } });
const allowed: Readable<boolean> = can(store, 'refunds.create', 'acme-cl');
const tenants: Readable<string[]> = scopesWhere(store, 'refunds.create');
const off = permissions(store).subscribe((me) => me.can('refunds.create', 'acme-cl'));
off();
export { allowed, refund, tenants };
