// docs/gating.md's Vue binding, type-checked under --strict.
import { Permissions, Policy, type Decision } from 'rolecall';
import { Can, createRolecall, providePermissions, useCan, usePermissions, useScopesWhere, type CanBinding } from 'rolecall/vue';
import { createApp, defineComponent, h, ref, type ComputedRef } from 'vue';

declare const policy: Policy;
declare const snapshot: string;

const rolecall = createRolecall(Permissions.fromSnapshot(policy, snapshot));
const App = defineComponent({
  props: { scope: { type: String, required: true } },
  setup(props) {
    const refund: ComputedRef<Decision> = useCan('refunds.create', () => props.scope, { context: { country: 'CL' } });
    const tenant = ref('acme-cl');
    const approve = useCan('transfers.approve', tenant, () => ({ resource: { created_by: 'paula' } }));
    const tenants: ComputedRef<string[]> = useScopesWhere('refunds.create');
    const me = usePermissions();
    const invite: CanBinding = { action: 'users.invite', scope: props.scope, mode: 'hide' };
    return () => [
      h('button', { disabled: !refund.value.allowed, title: refund.value.message }, 'Refund'),
      h(Can, { action: 'transfers.approve', scope: props.scope, resource: { created_by: 'paula' } }, () => h('button', 'Approve')),
      h('span', `${approve.value.reason} ${tenants.value.length} ${me.value.subject} ${invite.action}`),
    ];
  },
});
createApp(App, { scope: 'acme-cl' }).use(rolecall);
rolecall.store.set(Permissions.fromSnapshot(policy, snapshot));
export const Sub = defineComponent({ setup: () => (providePermissions(rolecall.store), () => null) });
