// A page with hundreds of gated controls, to see what a permission change costs: switching the
// user replaces the permissions in the store, and only the gated controls re-render (the rows
// around them are memoized and never do); each distinct (action, scope) is decided once.
import { memo, useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import init, { Permissions, Policy } from 'rolecall';
import { Can, RolecallProvider, createPermissionStore, usePermissions } from 'rolecall/react';
import './styles.css';

const CONTROLS = 600;
const PER_ROW = 30;
const counts = { page: 0, rows: 0, gated: 0, checks: 0 };

/** Permissions that count their decisions (the store memoizes: one per distinct control). */
function counting(p) {
  return {
    subject: p.subject,
    check: (a, s, o) => {
      counts.checks += 1;
      return p.check(a, s, o);
    },
    scopesWhere: (a, o) => p.scopesWhere(a, o),
    allowedActions: (s, o) => p.allowedActions(s, o),
  };
}

const json = async (path, init) => {
  const res = await fetch(path, init);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};

async function permissionsOf(policy) {
  return counting(Permissions.fromSnapshot(policy, await json('/api/me/snapshot')));
}

const Row = memo(function Row({ pairs }) {
  counts.rows += 1;
  return (
    <div className="stress-row">
      {pairs.map(([action, scope], i) => (
        <Can key={i} action={action} scope={scope}>
          {(d) => {
            counts.gated += 1;
            return <button className="cell" disabled={!d.allowed} title={d.message} data-allowed={d.allowed} />;
          }}
        </Can>
      ))}
    </div>
  );
});

function Grid({ rows }) {
  counts.page += 1;
  return rows.map((pairs, i) => <Row key={i} pairs={pairs} />);
}

/** After each commit: what the last permission change re-rendered. */
function Stats({ before }) {
  const p = usePermissions();
  const ref = useRef(null);
  useEffect(() => {
    const b = before.current;
    if (b === null || ref.current === null) return;
    const delta = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v - b.counts[k]]));
    const ms = performance.now() - b.at;
    for (const [k, v] of Object.entries(delta)) ref.current.dataset[k] = String(v);
    ref.current.dataset.subject = p.subject;
    ref.current.textContent =
      `Switched to ${p.subject} in ${ms.toFixed(1)} ms: ${delta.gated} gated controls re-rendered, ` +
      `${delta.rows} rows and ${delta.page} pages re-rendered, ${delta.checks} decisions computed.`;
  });
  return <p ref={ref} id="stats" className="muted">Switch the user to measure.</p>;
}

function App({ store, policy, users, rows, me }) {
  const before = useRef(null);
  const change = async (user) => {
    await json('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
    const next = await permissionsOf(policy);
    before.current = { counts: { ...counts }, at: performance.now() };
    store.set(next);
  };
  return (
    <RolecallProvider store={store}>
      <div className="plain stress">
        <div className="card">
          <span className="demo-badge">DEMO</span>
          <h1>{CONTROLS} gated controls</h1>
          <p className="muted">Each square is a button gated with <code>&lt;Can&gt;</code>. Switching the user replaces the permissions in the store.</p>
          <label className="switcher">Signed in as
            <select aria-label="Signed in as" defaultValue={me} onChange={(e) => change(e.target.value)}>
              {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </label>
          <Stats before={before} />
        </div>
        <div className="card"><Grid rows={rows} /></div>
      </div>
    </RolecallProvider>
  );
}

async function main() {
  await init();
  const session = await json('/api/session');
  if (session.subject === null) {
    document.getElementById('root').innerHTML = '<p class="plain">Not signed in: <a href="/">choose a demo user</a> first.</p>';
    return;
  }
  const policy = Policy.parse((await json('/api/policy')).policy);
  const scopes = (await json('/api/me')).tenants.map((t) => t.id);
  const pairs = Array.from({ length: CONTROLS }, (_, i) => [policy.actions[i % policy.actions.length], scopes[i % scopes.length]])
    // Maker-checker needs the real transfer: not one for a grid.
    .map(([a, s]) => [a === 'transfers.approve' ? 'transfers.view_section' : a, s]);
  const rows = Array.from({ length: CONTROLS / PER_ROW }, (_, r) => pairs.slice(r * PER_ROW, (r + 1) * PER_ROW));
  // What a switch must decide, at most: each distinct (action, scope) once (the browser test reads it).
  document.body.dataset.distinct = String(new Set(pairs.map(([a, s]) => `${a} ${s}`)).size);
  const store = createPermissionStore(await permissionsOf(policy));
  createRoot(document.getElementById('root')).render(
    <App store={store} policy={policy} users={session.users} rows={rows} me={session.subject} />,
  );
}

main();
