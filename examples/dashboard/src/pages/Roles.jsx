// The Roles page: what each role allows, before anyone asks for it. The table is the policy's
// permission reference (`policy.reference()` on the server, the same rows as `rolecall docs`),
// laid out here: every action with the roles that allow it, the access level each role holds on
// each resource, the levels, and the rules. Those allowed to change the team's permissions also
// get the access review of the current tenant as a CSV download.
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useResource } from '../components/useResource.js';
import { Loading } from './Page.jsx';

export function RolesPage() {
  const reference = useResource('/api/reference');
  return (
    <section className="page" data-page="Roles">
      <header className="page-header">
        <div>
          <h1>Roles</h1>
          <p className="muted">What each role can do, generated from the policy the server enforces</p>
        </div>
        <div className="page-actions">
          <ReviewDownload />
        </div>
      </header>
      {reference.data === undefined ? <Loading error={reference.error} /> : <Reference reference={reference.data} />}
    </section>
  );
}

function ReviewDownload() {
  const tenant = useTenant();
  return (
    <Gated action="users.change_permissions" mode="hide">
      <a className="btn secondary" data-access-review href={`/api/scopes/${encodeURIComponent(tenant.id)}/access-review?format=csv`} download>
        Download access review (CSV)
      </a>
    </Gated>
  );
}

function Reference({ reference }) {
  const label = new Map(reference.roles.map((r) => [r.name, r.label]));
  return (
    <>
      <div className="card">
        <h2>Permissions</h2>
        <p className="muted" data-reference-note>{reference.note}</p>
        <table data-reference="actions">
          <thead>
            <tr><th>Action</th><th>Resource</th><th>Access level</th><th>Roles</th></tr>
          </thead>
          <tbody>
            {reference.actions.map((a) => (
              <tr key={a.name} data-action={a.name}>
                <td>{a.label}</td>
                <td>{[...new Set(a.requires.map((r) => r.resource))].join(', ')}</td>
                <td>{a.requires.map((r) => r.level).join(', ')}</td>
                <td data-roles={a.roles.join(' ')} className={a.roles.length === 0 ? 'muted' : undefined}>
                  {a.allowed_by}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>Roles by resource</h2>
        <div className="table-scroll">
          <table data-reference="matrix">
            <thead>
              <tr>
                <th>Resource</th>
                {reference.roles.map((r) => (
                  <th key={r.name} title={r.assignable ? undefined : 'Cannot be assigned through the dashboard'}>
                    {label.get(r.name)}{r.assignable ? '' : ' *'}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {reference.matrix.map((row) => (
                <tr key={row.resource} data-resource={row.resource}>
                  <td>{row.label}</td>
                  {row.cells.map((c, i) => (
                    <td key={reference.roles[i].name} title={c.actions.length > 0 ? c.actions.join(', ') : undefined} className={c.text === '' ? 'muted' : undefined}>
                      {c.text || '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {reference.roles.some((r) => !r.assignable) && <p className="muted">* cannot be assigned through the dashboard.</p>}
      </div>
      <div className="card">
        <h2>Access levels and rules</h2>
        <ul data-reference="levels">
          {reference.levels.map((l) => (
            <li key={l.name}><strong>{l.label}</strong>{l.implies.length > 0 ? `: includes ${l.implies.join(', ')}` : ''}</li>
          ))}
        </ul>
        <ul data-reference="rules">
          {reference.rules.map((r, i) => <li key={i} data-rule={r.kind}>{r.text}</li>)}
        </ul>
      </div>
    </>
  );
}
