import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { RolecallProvider, usePermissionStore } from 'rolecall/react';
import { AccessPanel } from './components/AccessPanel.jsx';
import { Gated } from './components/Gated.jsx';
import { TenantContext, tenantContext } from './components/tenant.js';
import { Toasts } from './components/toast.jsx';
import { ApiKeysPage } from './pages/ApiKeys.jsx';
import { LinksPage } from './pages/Links.jsx';
import { PaymentsPage } from './pages/Payments.jsx';
import { RolesPage } from './pages/Roles.jsx';
import { TeamPage } from './pages/Team.jsx';
import { TransfersPage } from './pages/Transfers.jsx';
import { WebhooksPage } from './pages/Webhooks.jsx';
import { current, signIn, signOut, subscribe } from './session.js';

const sections = [
  { path: 'payments', title: 'Payments', view: 'payment_intents.view_export', Page: PaymentsPage },
  { path: 'transfers', title: 'Transfers', view: 'transfers.view_section', Page: TransfersPage },
  { path: 'api-keys', title: 'API keys', view: 'api_keys.view_section', Page: ApiKeysPage },
  { path: 'webhooks', title: 'Webhooks', view: 'webhooks.view_section', Page: WebhooksPage },
  { path: 'links', title: 'Links', view: 'links.view_section', Page: LinksPage },
  { path: 'team', title: 'Team', view: 'users.view_section', Page: TeamPage },
  // Open to everyone signed in: what each role allows, before asking for one.
  { path: 'roles', title: 'Roles', view: null, Page: RolesPage },
];

function useHash() {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0] || 'payments';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const on = () => setPath(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return path;
}

export function App() {
  const session = useSyncExternalStore(subscribe, current);
  if (session.status === 'loading') return <div className="splash">Loading the dashboard…</div>;
  if (session.status === 'error') return <div className="splash error-text">Could not start: {String(session.error?.message ?? session.error)}</div>;
  if (session.status === 'signed-out') return <SignIn users={session.users} />;
  return (
    // The store is replaced in place (store.set) when a new snapshot arrives: only the
    // components that read permissions re-render.
    <RolecallProvider store={session.store}>
      <Toasts>
        <Dashboard session={session} />
      </Toasts>
    </RolecallProvider>
  );
}

function SignIn({ users }) {
  return (
    <div className="signin">
      <div className="card">
        <span className="demo-badge">DEMO</span>
        <h1>Acme Pay dashboard</h1>
        <p>
          This is a demo of <strong>rolecall</strong>: there are no passwords. Choose an example user to see the dashboard as
          they do; every button is hidden or disabled by the same rule the server enforces.
        </p>
        <ul className="user-list">
          {users.map((u) => (
            <li key={u.id}>
              <button className="user-choice" onClick={() => signIn(u.id)} data-user={u.id}>
                <strong>{u.name}</strong> <span className="muted">{u.title}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function Dashboard({ session }) {
  const { me, users, policyDoc } = session;
  const store = usePermissionStore();
  const path = useHash();
  const [tenantId, setTenantId] = useState(null);
  const [panel, setPanel] = useState(false);
  // The tenant: kept while the user can reach it, else the first where they can see payments.
  const reachable = me.tenants;
  const chosen = reachable.find((t) => t.id === tenantId);
  const fallback = useMemo(
    () =>
      reachable.find((t) => store.check('payment_intents.view_export', t.id, { context: tenantContext(t) }).allowed) ??
      reachable[0],
    [reachable, store],
  );
  const tenant = chosen ?? fallback;
  const value = useMemo(() => tenant && { ...tenant, all: reachable }, [tenant, reachable]);
  if (tenant === undefined) {
    return <div className="splash">You have no access to any tenant. <button onClick={signOut}>Sign out</button></div>;
  }
  const section = sections.find((s) => s.path === path) ?? sections[0];
  const Page = section.Page;
  return (
    <TenantContext.Provider value={value}>
      <div className="layout">
        <nav className="sidebar" aria-label="Sections">
          <div className="brand"><span className="logo">◆</span> Acme Pay</div>
          <ul>
            {sections.map((s) => {
              const link = <a href={`#/${s.path}`} className={s === section ? 'active' : undefined} aria-current={s === section ? 'page' : undefined}>{s.title}</a>;
              return <li key={s.path}>{s.view === null ? link : <Gated action={s.view}>{link}</Gated>}</li>;
            })}
          </ul>
          <div className="sidebar-foot">
            <a href="/plain.html">Plain HTML demo</a>
            <a href="/stress.html">600 gated controls</a>
            <span>Permissions by <strong>rolecall</strong></span>
          </div>
        </nav>
        <div className="main">
          <header className="topbar">
            <label className="switcher">
              <span>Tenant</span>
              {/* Only the scopes this user can reach: the snapshot holds nothing else. */}
              <select aria-label="Tenant" value={tenant.id} onChange={(e) => setTenantId(e.target.value)}>
                {reachable.map((t) => <option key={t.id} value={t.id}>{t.name ?? t.id}{t.country ? ` · ${t.country}` : ''}</option>)}
              </select>
            </label>
            <div className="spacer" />
            <button className="btn secondary small" onClick={() => setPanel((p) => !p)} aria-expanded={panel}>Your access</button>
            <label className="switcher who">
              <span className="demo-badge" title="Demo sign-in: no passwords">DEMO</span>
              <span>Signed in as</span>
              <select aria-label="Signed in as" value={me.subject} onChange={(e) => signIn(e.target.value)}>
                {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </label>
            <button className="btn secondary small" onClick={signOut}>Sign out</button>
          </header>
          <p className="whoami muted">{users.find((u) => u.id === me.subject)?.title}</p>
          <main>
            <Page users={users} policyDoc={policyDoc} />
          </main>
        </div>
        {panel && <AccessPanel policyDoc={policyDoc} onClose={() => setPanel(false)} />}
      </div>
    </TenantContext.Provider>
  );
}
