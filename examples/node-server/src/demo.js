// The demo's people and business data, all made up: the example users one signs in as (DEMO
// sign-in, no passwords), the tenants' display names and countries, and a few payments,
// refunds, transfers, API keys, webhooks and links per tenant. The business data seeds the
// database's tables on first start (business/migrations.js), or is kept in memory
// (DIRECTORY_STORE=memory, business/memory.js).

/** The example users of directory.yaml, with what each one shows. */
export const demoUsers = [
  { id: 'ada', name: 'Ada Lovelace', title: 'Administrator and account owner (set up by support)' },
  { id: 'olga', name: 'Olga Ortiz', title: 'Team lead: Operations, and may manage the team' },
  { id: 'oscar', name: 'Oscar Olsen', title: 'Operations' },
  { id: 'carla', name: 'Carla Castro', title: 'Operations, for Chile only (a context qualifier)' },
  { id: 'sam', name: 'Sam Silva', title: 'Support, in Acme Mexico only (one subtenant)' },
  { id: 'fiona', name: 'Fiona Fischer', title: 'Finance and Accounting (a viewer)' },
  { id: 'priya', name: 'Priya Patel', title: 'Product: may send a test webhook, nothing else' },
  { id: 'diego', name: 'Diego Díaz', title: 'Developer, owner of the API keys key_ci and key_legacy' },
  { id: 'bob', name: 'Bob Brown', title: 'Developer in Acme Chile, API keys read-only' },
  { id: 'paula', name: 'Paula Pérez', title: 'Payment initiator: creates transfers' },
  { id: 'pedro', name: 'Pedro Prieto', title: 'Payment approver: approves transfers' },
  { id: 'mario', name: 'Mario Muñoz', title: 'Payment initiator in Acme Chile' },
];

/** Display names and the country each tenant does business in (the `country` context). */
export const tenants = {
  org: { name: 'Acme Group', country: undefined },
  'acme-cl': { name: 'Acme Chile', country: 'CL' },
  'acme-mx': { name: 'Acme Mexico', country: 'MX' },
};

/** The context of a request at `scope`: the tenant's country, when it has one. */
export function tenantContext(scope) {
  const country = tenants[scope]?.country;
  return country === undefined ? undefined : { country };
}

/** Fresh business data (an empty database, or a server in memory, starts from it). */
export function seedData() {
  return {
    payments: [
      { id: 'pay_cl_1', scope: 'acme-cl', country: 'CL', amount: 125000, currency: 'CLP', customer: 'Viña Sur Ltda.', status: 'succeeded' },
      { id: 'pay_cl_2', scope: 'acme-cl', country: 'CL', amount: 48900, currency: 'CLP', customer: 'Café Andino', status: 'succeeded' },
      { id: 'pay_cl_3', scope: 'acme-cl', country: 'CL', amount: 310000, currency: 'CLP', customer: 'Ferretería Norte', status: 'refunded' },
      { id: 'pay_mx_1', scope: 'acme-mx', country: 'MX', amount: 2450, currency: 'MXN', customer: 'Tacos El Güero', status: 'succeeded' },
      { id: 'pay_mx_2', scope: 'acme-mx', country: 'MX', amount: 18900, currency: 'MXN', customer: 'Librería Centro', status: 'succeeded' },
    ],
    refunds: [
      { id: 're_cl_1', scope: 'acme-cl', country: 'CL', payment: 'pay_cl_3', amount: 310000, currency: 'CLP', status: 'succeeded' },
      { id: 're_mx_1', scope: 'acme-mx', country: 'MX', payment: 'pay_mx_2', amount: 5000, currency: 'MXN', status: 'pending' },
    ],
    transfers: [
      { id: 'tr_1', scope: 'acme-cl', amount: 2500000, currency: 'CLP', beneficiary: 'Proveedora Austral SpA', created_by: 'paula', status: 'pending_approval' },
      { id: 'tr_2', scope: 'acme-cl', amount: 780000, currency: 'CLP', beneficiary: 'Transportes Maule', created_by: 'mario', status: 'pending_approval' },
      { id: 'tr_3', scope: 'acme-mx', amount: 95000, currency: 'MXN', beneficiary: 'Distribuidora Bajío', created_by: 'paula', status: 'approved', approved_by: 'pedro' },
    ],
    apiKeys: [
      { id: 'ak_org_live', scope: 'org', name: 'Group live key', mode: 'live', last4: '9f2a', active: true, rolled: 0 },
      { id: 'ak_cl_live', scope: 'acme-cl', name: 'Chile live key', mode: 'live', last4: '41c7', active: true, rolled: 0 },
      { id: 'ak_cl_test', scope: 'acme-cl', name: 'Chile test key', mode: 'test', last4: '0b3e', active: false, rolled: 0 },
      { id: 'ak_mx_live', scope: 'acme-mx', name: 'Mexico live key', mode: 'live', last4: 'd815', active: true, rolled: 0 },
    ],
    webhooks: [
      { id: 'we_cl_1', scope: 'acme-cl', url: 'https://erp.acme.example/hooks/payments', events: ['payment_intent.succeeded'], tests: 0 },
      { id: 'we_mx_1', scope: 'acme-mx', url: 'https://mx.acme.example/fintoc', events: ['refund.succeeded'], tests: 0 },
    ],
    links: [
      { id: 'ln_cl_1', scope: 'acme-cl', name: 'Checkout — Santiago store', active: true },
      { id: 'ln_cl_2', scope: 'acme-cl', name: 'Invoices (B2B)', active: false },
      { id: 'ln_mx_1', scope: 'acme-mx', name: 'Checkout — CDMX store', active: true },
    ],
    invitations: [],
    counter: 100,
  };
}
