// The business data's kinds (payments, refunds, ...): each one's table, the prefix of the ids
// the server makes, and its fields in the order an item shows them. The memory and SQL stores
// (memory.js, sql.js) both read this; the tables themselves are created by migrations.js.

/** `kind` -> `{ table, prefix, fields }`. */
export const KINDS = {
  payments: { table: 'app_payments', prefix: 'pay', fields: ['id', 'scope', 'country', 'amount', 'currency', 'customer', 'status'] },
  refunds: { table: 'app_refunds', prefix: 're', fields: ['id', 'scope', 'country', 'payment', 'amount', 'currency', 'status', 'created_by'] },
  transfers: {
    table: 'app_transfers',
    prefix: 'tr',
    fields: ['id', 'scope', 'amount', 'currency', 'beneficiary', 'created_by', 'status', 'approved_by'],
  },
  apiKeys: { table: 'app_api_keys', prefix: 'ak', fields: ['id', 'scope', 'name', 'mode', 'last4', 'active', 'rolled'] },
  webhooks: { table: 'app_webhooks', prefix: 'we', fields: ['id', 'scope', 'url', 'events', 'tests'] },
  links: { table: 'app_links', prefix: 'ln', fields: ['id', 'scope', 'name', 'active'] },
  invitations: { table: 'app_invitations', prefix: 'inv', fields: ['id', 'scope', 'email', 'invited_by'] },
};

/** The kind's definition; a programming error (not input) when unknown. */
export function kindOf(kind) {
  const k = KINDS[kind];
  if (k === undefined) throw new TypeError(`unknown kind of business data: ${kind}`);
  return k;
}

/** Where a list's filter (`rolecall/filter`) reads each item's inputs: scope, country, creator. */
export const COLUMNS = { scope: 'scope', context: { country: 'country' }, resource: { created_by: 'created_by' } };
