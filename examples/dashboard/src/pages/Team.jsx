import { useEffect, useId, useState } from 'react';
import { api } from '../api.js';
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { useResource } from '../components/useResource.js';
import { contextText, roleLabel } from '../labels.js';
import { Loading, Page } from './Page.jsx';
import { Preview } from './TeamPreview.jsx';
import { CreateRole } from './TeamRoles.jsx';

export function TeamPage({ users, policyDoc }) {
  return (
    <Page title="Team" subtitle="Who has access here, and with which role" view="users.view_section">
      <TeamBody users={users} policyDoc={policyDoc} />
    </Page>
  );
}

function TeamBody({ users, policyDoc }) {
  const tenant = useTenant();
  const team = useResource(`/api/scopes/${tenant.id}/team`);
  // Recent changes here (kept when the server stores the directory in a database).
  const history = useResource(`/api/assignments/history?scope=${encodeURIComponent(tenant.id)}`);
  // The change being previewed: `{ add?, remove? }` (`remove` an assignment id), with the directory
  // version it was made on.
  const [change, setChange] = useState(null);
  // Grows when a role is created, so the assign form asks for its options again.
  const [roles, setRoles] = useState(0);
  const name = (id) => users.find((u) => u.id === id)?.name ?? id;
  const done = () => {
    setChange(null);
    team.reload();
    history.reload();
  };
  if (team.data === undefined) return <Loading error={team.error} />;
  const { assignments, grants, invitations, version } = team.data;
  return (
    <>
      <div className="card">
        <h2>Members</h2>
        <table>
          <thead>
            <tr><th>Member</th><th>Role</th><th>Where</th><th>Limits</th><th /></tr>
          </thead>
          <tbody>
            {assignments.map((a) => (
              <Member key={a.id} a={a} name={name(a.subject)} policyDoc={policyDoc}
                onChange={(role) => setChange({ version, remove: a.id, add: { subject: a.subject, role, scope: a.scope, ...(a.context ? { context: a.context } : {}) } })}
                onRemove={() => setChange({ version, remove: a.id })} />
            ))}
            {grants.map((g) => (
              <tr key={g.id} className="grant-row">
                <td>{name(g.subject)}</td>
                <td colSpan={2}><span className="chip">direct grant</span> {g.permission ?? g.action} at {g.scope}</td>
                <td colSpan={2} className="muted">Granted outside the dashboard</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {change && <Preview change={change} name={name} policyDoc={policyDoc} onDone={done} onCancel={() => setChange(null)} />}
      <AssignForm key={roles} users={users} policyDoc={policyDoc} onPick={(add) => setChange({ version, add })} />
      <CreateRole policyDoc={policyDoc} onCreated={() => setRoles((n) => n + 1)} />
      <Invite invitations={invitations} onInvited={team.reload} />
      {history.data?.kept && <History changes={history.data.changes} name={name} />}
    </>
  );
}

function Member({ a, name, policyDoc, onChange, onRemove }) {
  const roles = Object.keys(policyDoc.roles);
  return (
    <tr data-row={`assignment-${a.id}`} data-subject={a.subject}>
      <td>{name} <span className="muted">({a.subject})</span></td>
      <td><span className="chip role">{roleLabel(a.role)}</span></td>
      <td>{a.scope}{a.inherited && <span className="muted"> (covers this tenant)</span>}</td>
      <td>
        {a.context && <span className="chip ctx">{contextText(a.context)}</span>}
        {a.except && <span className="chip except">except {a.except.join(', ')}</span>}
      </td>
      <td className="row-actions">
        <Gated action="users.change_permissions" scope={a.scope}>
          <select className="small" aria-label={`Change the role of ${name}`} value="" onChange={(e) => e.target.value && onChange(e.target.value)}>
            <option value="">Change role…</option>
            {roles.filter((r) => r !== a.role).map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
          </select>
        </Gated>
        <Gated action="users.change_permissions" scope={a.scope}>
          <button className="btn small secondary" onClick={onRemove}>Remove</button>
        </Gated>
      </td>
    </tr>
  );
}

/** Pick a member, a tenant, a country and a role; roles the user may not grant are disabled. */
function AssignForm({ users, policyDoc, onPick }) {
  const tenant = useTenant();
  const [subject, setSubject] = useState(users[0]?.id ?? '');
  const [scope, setScope] = useState(tenant.id);
  const [country, setCountry] = useState('');
  const [options, setOptions] = useState(null);
  const dims = policyDoc.dimensions ?? [];
  useEffect(() => setScope(tenant.id), [tenant.id]);
  useEffect(() => {
    let live = true;
    setOptions(null);
    const context = country ? { country: [country] } : undefined;
    api('POST', '/api/assignments/options', { subject, scope, context }).then(
      (r) => live && setOptions(r.roles),
      (e) => live && setOptions({ error: e }),
    );
    return () => {
      live = false;
    };
  }, [subject, scope, country]);
  return (
    <div className="card" aria-label="Assign a role">
      <h2>Assign a role</h2>
      <p className="muted">
        Roles are checked with <code>canAssign</code> on the server: nobody grants more than they hold. Pick one to see the
        change in access before saving it.
      </p>
      <div className="form-row">
        <label>Member
          <select value={subject} onChange={(e) => setSubject(e.target.value)} aria-label="Member">
            {users.map((u) => <option key={u.id} value={u.id}>{u.name} ({u.id})</option>)}
          </select>
        </label>
        <label>Where
          <select value={scope} onChange={(e) => setScope(e.target.value)} aria-label="Where">
            {tenant.all.map((t) => <option key={t.id} value={t.id}>{t.name ?? t.id}</option>)}
          </select>
        </label>
        {dims.includes('country') && (
          <label>Only for country
            <select value={country} onChange={(e) => setCountry(e.target.value)} aria-label="Only for country">
              <option value="">Any country</option>
              <option value="CL">Chile (CL)</option>
              <option value="MX">Mexico (MX)</option>
            </select>
          </label>
        )}
      </div>
      {options === null ? (
        <p className="muted">Checking which roles you may assign…</p>
      ) : options.error ? (
        <p className="error-text">{options.error.message}</p>
      ) : (
        <ul className="roles" aria-label="Roles">
          {options.map(({ role, decision }) => (
            <RoleOption key={role} role={role} decision={decision}
              onPick={() => onPick({ subject, role, scope, ...(country ? { context: { country: [country] } } : {}) })} />
          ))}
        </ul>
      )}
    </div>
  );
}

function RoleOption({ role, decision, onPick }) {
  const id = useId();
  return (
    <li className={decision.allowed ? 'role-option' : 'role-option denied'} data-role={role} data-reason={decision.reason}>
      <button className="btn small secondary" disabled={!decision.allowed} aria-disabled={!decision.allowed}
        aria-describedby={decision.allowed ? undefined : id} title={decision.allowed ? undefined : decision.message} onClick={onPick}>
        {roleLabel(role)}
      </button>
      {!decision.allowed && <span id={id} className="reason">{decision.message} <code>{decision.reason}</code></span>}
    </li>
  );
}

function Invite({ invitations, onInvited }) {
  const tenant = useTenant();
  const run = useRun();
  const [email, setEmail] = useState('');
  const invite = (e) => {
    e.preventDefault();
    run(`Invitation sent to ${email}`, () => api('POST', `/api/scopes/${tenant.id}/team/invite`, { email })).then((r) => {
      if (r) setEmail('');
      onInvited();
    });
  };
  return (
    <form className="card form-row" onSubmit={invite} aria-label="Invite">
      <h2>Invite someone</h2>
      <label className="grow">Email
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="new.colleague@acme.example" required />
      </label>
      <Gated action="users.invite" hint>
        <button className="btn" type="submit">Send invitation</button>
      </Gated>
      {invitations.length > 0 && (
        <p className="muted full">Pending: {invitations.map((i) => i.email).join(', ')}</p>
      )}
    </form>
  );
}

/** The change log at this tenant: who changed which assignment, and the access it changed. */
function History({ changes, name }) {
  return (
    <div className="card" aria-label="Recent changes">
      <h2>Recent changes</h2>
      {changes.length === 0 ? <p className="muted">No changes yet.</p> : (
        <table>
          <thead>
            <tr><th>When</th><th>Who</th><th>Change</th><th>Access</th></tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.version} data-version={c.version}>
                <td>{new Date(c.at).toLocaleString()}</td>
                <td>{c.actor ? name(c.actor) : <span className="muted">system</span>}</td>
                <td>
                  {c.change.removed && <>removed {name(c.change.removed.subject)} as {roleLabel(c.change.removed.role)}{c.change.add ? ', then ' : ''}</>}
                  {c.change.add && <>gave {name(c.change.add.subject)} {roleLabel(c.change.add.role)} at {c.change.add.scope}</>}
                  {c.change.kind === 'import' && 'imported the directory'}
                </td>
                <td className="muted">
                  {c.diff.gained?.length ? `+${c.diff.gained.length} actions ` : ''}
                  {c.diff.lost?.length ? `-${c.diff.lost.length} actions` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
