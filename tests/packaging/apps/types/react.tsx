// README.md's and docs/gating.md's React gating, type-checked under --strict.
import { Permissions, Policy } from 'rolecall';
import { Can, RolecallProvider, useCan, usePermissions, useScopesWhere } from 'rolecall/react';

declare const policy: Policy;
declare const snapshot: string;
declare const t: { scope: string; created_by: string };
declare function approve(): void;

export function Approve() {
  return (
    <RolecallProvider permissions={Permissions.fromSnapshot(policy, snapshot)}>
      <Can action="transfers.approve" scope={t.scope} resource={{ created_by: t.created_by }}>
        <button onClick={approve}>Approve</button>
      </Can>
    </RolecallProvider>
  );
}

export function Toolbar() {
  const me = usePermissions();
  const refund = useCan('refunds.create', 'acme-cl');
  const tenants: string[] = useScopesWhere('refunds.create');
  return (
    <button disabled={!me.can('refunds.create', 'acme-cl')} title={refund.message}>
      Refund ({tenants.length})
    </button>
  );
}
