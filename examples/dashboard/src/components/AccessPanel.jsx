// "Your access here": every action of the policy with the decision at the current tenant. It
// explains hidden controls too (a hidden button has no tooltip to hover).
import { useCan } from 'rolecall/react';
import { actionLabel } from '../labels.js';
import { tenantContext, useTenant } from './tenant.js';

export function AccessPanel({ policyDoc, onClose }) {
  const tenant = useTenant();
  const actions = Object.keys(policyDoc.actions);
  return (
    <aside className="access-panel" aria-label="Your access here">
      <header>
        <h2>Your access in {tenant.name}</h2>
        <button className="btn small secondary" onClick={onClose}>Close</button>
      </header>
      <p className="muted">Decided in this page from your snapshot, by the same rules the server enforces.</p>
      <ul>
        {actions.map((a) => (
          <AccessRow key={a} action={a} label={actionLabel(policyDoc, a)} distinctFrom={policyDoc.actions[a].distinct_from} />
        ))}
      </ul>
    </aside>
  );
}

function AccessRow({ action, label, distinctFrom }) {
  const tenant = useTenant();
  // A maker-checker action is decided on the real item; here, for an item someone else made.
  const resource = distinctFrom ? { [distinctFrom]: '(someone else)' } : undefined;
  const d = useCan(action, tenant.id, { context: tenantContext(tenant), resource });
  return (
    <li className={d.allowed ? 'ok' : 'denied'} data-action={action} data-reason={d.reason}>
      <span className="mark" aria-hidden="true">{d.allowed ? '✓' : '✕'}</span>
      <span>
        {label}
        {!d.allowed && <span className="why">{d.message}</span>}
      </span>
    </li>
  );
}
