// The dashboard's way to gate a control: rolecall's <Can> at the current tenant (its scope and
// country), plus, where `hint` is set, the reason written next to the control.
import { Can, useCan } from 'rolecall/react';
import { contextAt, tenantContext, useTenant } from './tenant.js';

export function Gated({ action, scope, context, resource, mode = 'disable', hint = false, children }) {
  const tenant = useTenant();
  const at = scope ?? tenant.id;
  const where = { scope: at, context: context ?? contextAt(tenant, at), resource };
  return (
    <>
      <Can action={action} {...where} mode={mode}>
        {children}
      </Can>
      {hint && <Reason action={action} {...where} />}
    </>
  );
}

/** The reason an action is denied, written out (nothing when allowed); `<Can>`'s props. */
export function Reason({ action, scope, context, resource }) {
  const d = useCan(action, scope, { context, resource });
  if (d.allowed) return null;
  return (
    <span className="reason" data-reason-for={action} data-reason={d.reason}>
      <LockIcon /> {d.message}
    </span>
  );
}

export function LockIcon() {
  return (
    <svg className="lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z" fill="currentColor" />
    </svg>
  );
}

/** A page the user may not open here: the reason, as the page decided it. */
export function NoAccess({ action, title }) {
  const tenant = useTenant();
  const d = useCan(action, tenant.id, { context: tenantContext(tenant) });
  return (
    <div className="card empty" data-no-access={action} data-reason={d.reason}>
      <div className="empty-icon"><LockIcon /></div>
      <h2>{title} is not available to you in {tenant.name}</h2>
      <p>{d.message}</p>
      <p className="muted">Ask someone who manages your team for access, or switch to another tenant.</p>
    </div>
  );
}
