import { useCan } from 'rolecall/react';
import { NoAccess } from '../components/Gated.jsx';
import { tenantContext, useTenant } from '../components/tenant.js';

/** A section of the dashboard: its header, and its body only where the user may view it. */
export function Page({ title, subtitle, view, actions, children }) {
  const tenant = useTenant();
  const d = useCan(view, tenant.id, { context: tenantContext(tenant) });
  return (
    <section className="page" data-page={title}>
      <header className="page-header">
        <div>
          <h1>{title}</h1>
          <p className="muted">{subtitle}</p>
        </div>
        {d.allowed && <div className="page-actions">{actions}</div>}
      </header>
      {d.allowed ? children : <NoAccess action={view} title={title} />}
    </section>
  );
}

export function Status({ value }) {
  return <span className={`status status-${value}`}>{value.replaceAll('_', ' ')}</span>;
}

export function Loading({ error }) {
  if (error) {
    return (
      <div className="card error" data-code={error.code}>
        The server refused: {error.message} <code>{error.code}</code>
      </div>
    );
  }
  return <div className="card muted">Loading…</div>;
}
