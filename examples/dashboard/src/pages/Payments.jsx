import { api } from '../api.js';
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { useResource } from '../components/useResource.js';
import { money } from '../labels.js';
import { Loading, Page, Status } from './Page.jsx';

export function PaymentsPage() {
  return (
    <Page title="Payments" subtitle="Payments received and their refunds" view="payment_intents.view_export">
      <PaymentsBody />
    </Page>
  );
}

function PaymentsBody() {
  const tenant = useTenant();
  const run = useRun();
  const payments = useResource(`/api/scopes/${tenant.id}/payments`);
  const refunds = useResource(`/api/scopes/${tenant.id}/refunds`);
  const reload = () => {
    payments.reload();
    refunds.reload();
  };
  const refund = (p) =>
    run(`Refund of ${money(p.amount, p.currency)} created`, () => api('POST', `/api/scopes/${tenant.id}/payments/${p.id}/refund`)).then(reload);
  const cancel = (r) =>
    run(`Refund ${r.id} cancelled`, () => api('POST', `/api/scopes/${tenant.id}/refunds/${r.id}/cancel`)).then(reload);
  return (
    <>
      <div className="card">
        <h2>Payments</h2>
        {payments.data === undefined ? (
          <Loading error={payments.error} />
        ) : (
          <table>
            <thead>
              <tr><th>Payment</th><th>Customer</th><th>Tenant</th><th className="num">Amount</th><th>Status</th><th /></tr>
            </thead>
            <tbody>
              {payments.data.map((p) => (
                <tr key={p.id} data-row={p.id}>
                  <td><code>{p.id}</code></td>
                  <td>{p.customer}</td>
                  <td>{p.scope} <span className="flag">{p.country}</span></td>
                  <td className="num">{money(p.amount, p.currency)}</td>
                  <td><Status value={p.status} /></td>
                  <td className="row-actions">
                    {p.status === 'succeeded' && (
                      // Decided at the payment's own tenant and country, as the server does.
                      <Gated action="refunds.create" scope={p.scope} context={{ country: p.country }}>
                        <button className="btn small" onClick={() => refund(p)}>Refund</button>
                      </Gated>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2>Refunds</h2>
        {refunds.data === undefined ? (
          <Loading error={refunds.error} />
        ) : refunds.data.length === 0 ? (
          <p className="muted">No refunds here.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Refund</th><th>Payment</th><th className="num">Amount</th><th>Status</th><th /></tr>
            </thead>
            <tbody>
              {refunds.data.map((r) => (
                <tr key={r.id} data-row={r.id}>
                  <td><code>{r.id}</code></td>
                  <td><code>{r.payment}</code></td>
                  <td className="num">{money(r.amount, r.currency)}</td>
                  <td><Status value={r.status} /></td>
                  <td className="row-actions">
                    {r.status === 'pending' && (
                      <Gated action="refunds.cancel" scope={r.scope} context={{ country: r.country }}>
                        <button className="btn small secondary" onClick={() => cancel(r)}>Cancel refund</button>
                      </Gated>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
