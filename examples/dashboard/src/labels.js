// Human names for the policy's words, read from the policy document the server sent.

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** `payment_initiator` → `Payment initiator`. */
export const humanize = (name) => cap(String(name).replaceAll('_', ' '));

/** The label of an action (`Roll the secret API Key`). */
export const actionLabel = (doc, action) => doc.actions?.[action]?.label ?? action;

/** `refunds:manage` → `Manage Refunds`; a single action by its label; a context kept as is. */
export function permissionLabel(doc, p) {
  const m = /^([a-z0-9_*]+):([a-z0-9_*]+)(.*)$/.exec(p);
  if (m === null) {
    const [name, ...rest] = p.split(' ');
    return [actionLabel(doc, name), ...rest].join(' ');
  }
  const [, resource, level, rest] = m;
  const r = resource === '*' ? 'everything' : (doc.resources?.[resource]?.label ?? humanize(resource));
  return `${level === '*' ? 'All levels' : cap(level)} on ${r}${rest}`;
}

/** Display labels of the roles (the policy names them only). */
const roleLabels = {
  dashboard_member: 'Dashboard member',
  finance_accounting: 'Finance and Accounting',
  payment_initiator: 'Payment initiator',
  payment_approver: 'Payment approver',
  account_owner: 'Account owner',
};
export const roleLabel = (role) => roleLabels[role] ?? humanize(role);

export function money(amount, currency) {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: currency === 'CLP' ? 0 : 2 }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export const contextText = (context) =>
  Object.entries(context ?? {})
    .map(([k, v]) => `${k}: ${[].concat(v).join(', ')}`)
    .join('; ');
