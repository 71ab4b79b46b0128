import { api } from '../api.js';
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { useResource } from '../components/useResource.js';
import { Loading, Page } from './Page.jsx';

export function LinksPage() {
  return (
    <Page title="Links" subtitle="Payment links you share with customers" view="links.view_section">
      <LinksBody />
    </Page>
  );
}

function LinksBody() {
  const tenant = useTenant();
  const run = useRun();
  const links = useResource(`/api/scopes/${tenant.id}/links`);
  const base = `/api/scopes/${tenant.id}/links`;
  const toggle = (l) => run(`${l.name} ${l.active ? 'deactivated' : 'activated'}`, () => api('PATCH', `${base}/${l.id}`, { active: !l.active })).then(links.reload);
  const remove = (l) => run(`${l.name} deleted`, () => api('DELETE', `${base}/${l.id}`)).then(links.reload);
  return (
    <div className="card">
      <h2>Payment links</h2>
      {links.data === undefined ? (
        <Loading error={links.error} />
      ) : (
        <table>
          <thead>
            <tr><th>Name</th><th>Tenant</th><th>Status</th><th /></tr>
          </thead>
          <tbody>
            {links.data.map((l) => (
              <tr key={l.id} data-row={l.id}>
                <td>{l.name}</td>
                <td>{l.scope}</td>
                <td><span className={`status status-${l.active ? 'active' : 'inactive'}`}>{l.active ? 'active' : 'inactive'}</span></td>
                <td className="row-actions">
                  <Gated action="links.edit" scope={l.scope}>
                    <button className="btn small secondary" onClick={() => toggle(l)}>{l.active ? 'Deactivate' : 'Activate'}</button>
                  </Gated>
                  {/* Hidden rather than disabled: the reason is in "Your access". */}
                  <Gated action="links.delete" scope={l.scope} mode="hide">
                    <button className="btn small danger" onClick={() => remove(l)}>Delete</button>
                  </Gated>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
