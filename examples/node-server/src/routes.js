// The dashboard's business routes, one guard each. The pattern: a route on a tenant
// (`/api/scopes/:scope/...`) is decided at that scope, with the tenant's country as context; a
// route on one item (a payment, a transfer) is decided at the item's own scope and with its own
// attributes (its country, its `created_by`), read here on the server, never from the request.

import { randomBytes } from 'node:crypto';
import express from 'express';
import { tenantContext } from './demo.js';
import { fail } from './http.js';
import { matcher } from 'rolecall/filter';

/** Where a check reads each item's inputs: its scope, its country, its creator. */
const COLUMNS = { scope: 'scope', context: { country: 'country' }, resource: { created_by: 'created_by' } };

/**
 * The items a plan (`evaluator.filter`) lets through, over the server's data in memory: the one
 * place to swap for a SQL query (`toSql(plan, columns)` from rolecall/filter) when the items
 * live in tables. An item without a country of its own has its tenant's.
 */
export function visible(plan, items) {
  const allows = matcher(plan, COLUMNS);
  return items.filter((x) => allows({ scope: x.scope, country: x.country ?? tenantContext(x.scope)?.country, created_by: x.created_by }));
}

export function businessRoutes({ gate, data, directory }) {
  const r = express.Router();
  const T = '/scopes/:scope';

  /** Each scope's parent, read from the directory once per directory version. */
  let tree = { version: -1, parents: new Map() };
  const parents = () => {
    if (tree.version !== directory.version) {
      tree = { version: directory.version, parents: new Map(directory.document().scopes.map((s) => [s.id, s.parent])) };
    }
    return tree.parents;
  };
  /** Is `scope` the scope `root` or below it? */
  const within = (root, scope) => {
    const up = parents();
    for (let s = scope; s !== undefined; s = up.get(s)) if (s === root) return true;
    return false;
  };
  /**
   * A list route: the items of the URL's tenant the subject may do `action` on (each decided as
   * its own check would be, at the item's scope with its country and its `created_by`), a page
   * at a time (`?offset=&limit=`, the total in `X-Total-Count`). Someone who may see none gets
   * an empty list. Each item keeps its scope and country, which the page's buttons are gated by.
   */
  const list = (action, items) => (req, res) => {
    if (!req.subject) return fail(res, 401, 'unauthenticated', 'Sign in first');
    // Answered as the guards answer it: no response tells which scope ids exist.
    if (!parents().has(req.params.scope)) return fail(res, 403, 'out_of_scope', 'Not available here');
    const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (!(Number.isInteger(offset) && offset >= 0 && Number.isInteger(limit) && limit >= 1 && limit <= 200)) {
      return invalid(res, '`offset` must be a whole number and `limit` one from 1 to 200');
    }
    let plan;
    try {
      plan = directory.evaluator.filter(req.subject, action);
    } catch (e) {
      return fail(res, 400, e.code ?? 'invalid_request', e.message);
    }
    const rows = visible(plan, items().filter((x) => within(req.params.scope, x.scope)));
    res.set('X-Total-Count', String(rows.length));
    res.json(rows.slice(offset, offset + limit));
  };
  /** Loads `:id` from a collection into `req.item`; 404 outside the URL's tenant. */
  const load = (items) => (req, res, next) => {
    const item = items().find((x) => x.id === req.params.id);
    if (item === undefined || !within(req.params.scope, item.scope)) {
      return fail(res, 404, 'not_found', `No ${req.params.id} here`);
    }
    req.item = item;
    next();
  };
  /** Decided at the item's scope, with its country when it has one. */
  const onItem = (action, resource) =>
    gate(action, (req) => req.item.scope, {
      context: (req) => (req.item.country ? { country: req.item.country } : tenantContext(req.item.scope)),
      resource,
    });
  const conflict = (res, message) => fail(res, 409, 'conflict', message);
  const invalid = (res, message) => fail(res, 400, 'invalid_request', message);
  const nextId = (prefix) => `${prefix}_${++data.counter}`;

  // Payments and refunds (seed 001 l.49-51).
  const payments = () => data.payments;
  const refunds = () => data.refunds;
  r.get(`${T}/payments`, list('payment_intents.view_export', payments));
  r.post(`${T}/payments/:id/refund`, gate('payment_intents.view_export'), load(payments), onItem('refunds.create'), (req, res) => {
    const p = req.item;
    if (p.status !== 'succeeded') return conflict(res, `Payment ${p.id} is ${p.status}`);
    p.status = 'refunded';
    const refund = { id: nextId('re'), scope: p.scope, country: p.country, payment: p.id, amount: p.amount, currency: p.currency, status: 'pending', created_by: req.subject };
    data.refunds.push(refund);
    res.status(201).json(refund);
  });
  r.get(`${T}/refunds`, list('payment_intents.view_export', refunds));
  r.post(`${T}/refunds/:id/cancel`, gate('payment_intents.view_export'), load(refunds), onItem('refunds.cancel'), (req, res) => {
    const re = req.item;
    if (re.status !== 'pending') return conflict(res, `Refund ${re.id} is ${re.status}`);
    re.status = 'cancelled';
    const p = data.payments.find((x) => x.id === re.payment);
    if (p !== undefined) p.status = 'succeeded';
    res.json(re);
  });

  // Transfers: maker-checker (the creator may not approve).
  const transfers = () => data.transfers;
  r.get(`${T}/transfers`, list('transfers.view_section', transfers));
  r.post(`${T}/transfers`, gate('transfers.create'), (req, res) => {
    const { amount, beneficiary } = req.body ?? {};
    if (!(Number.isFinite(amount) && amount > 0 && amount < 1e12)) return invalid(res, '`amount` must be a positive number');
    if (typeof beneficiary !== 'string' || beneficiary.trim() === '' || beneficiary.length > 120) {
      return invalid(res, '`beneficiary` must be a name of at most 120 characters');
    }
    const currency = { CL: 'CLP', MX: 'MXN' }[tenantContext(req.params.scope)?.country] ?? 'USD';
    const t = { id: nextId('tr'), scope: req.params.scope, amount, currency, beneficiary: beneficiary.trim(), created_by: req.subject, status: 'pending_approval' };
    data.transfers.push(t);
    res.status(201).json(t);
  });
  r.post(
    `${T}/transfers/:id/approve`,
    gate('transfers.view_section'),
    load(transfers),
    onItem('transfers.approve', (req) => ({ created_by: req.item.created_by })),
    (req, res) => {
      const t = req.item;
      if (t.status !== 'pending_approval') return conflict(res, `Transfer ${t.id} is ${t.status}`);
      t.status = 'approved';
      t.approved_by = req.subject;
      res.json(t);
    },
  );

  // API keys (seed 001 l.27-30). Secrets are made up and never stored.
  const apiKeys = () => data.apiKeys;
  const masked = (k) => ({ ...k, secret: `sk_${k.mode}_••••••••${k.last4}` });
  r.get(`${T}/api-keys`, gate('api_keys.view_section'), (req, res) =>
    res.json(data.apiKeys.filter((k) => within(req.params.scope, k.scope)).map(masked)),
  );
  const secret = (k) => `sk_${k.mode}_${randomBytes(12).toString('hex')}${k.last4}`;
  r.post(`${T}/api-keys/:id/reveal`, gate('api_keys.view_section'), load(apiKeys), onItem('api_keys.view_key'), (req, res) =>
    res.json({ ...req.item, secret: secret(req.item) }),
  );
  r.post(`${T}/api-keys/:id/roll`, gate('api_keys.view_section'), load(apiKeys), onItem('api_keys.roll_secret'), (req, res) => {
    const k = req.item;
    k.last4 = randomBytes(2).toString('hex');
    k.rolled += 1;
    res.json({ ...k, secret: secret(k) });
  });
  r.post(`${T}/api-keys/:id/activate`, gate('api_keys.view_section'), load(apiKeys), onItem('api_keys.activate'), (req, res) => {
    req.item.active = true;
    res.json(masked(req.item));
  });

  // Webhooks (seed 001 l.37-42): Product may send a test but not create an endpoint.
  const webhooks = () => data.webhooks;
  r.get(`${T}/webhooks`, list('webhooks.view_section', webhooks));
  r.post(`${T}/webhooks`, gate('webhooks.create_endpoint'), (req, res) => {
    const { url } = req.body ?? {};
    if (typeof url !== 'string' || !/^https:\/\/[^\s]{1,200}$/.test(url)) return invalid(res, '`url` must be an https URL');
    const w = { id: nextId('we'), scope: req.params.scope, url, events: ['payment_intent.succeeded'], tests: 0 };
    data.webhooks.push(w);
    res.status(201).json(w);
  });
  r.post(`${T}/webhooks/:id/test`, gate('webhooks.view_section'), load(webhooks), onItem('webhooks.send_test'), (req, res) => {
    req.item.tests += 1;
    res.json({ delivered: true, endpoint: req.item.id, status: 200, tests: req.item.tests });
  });

  // Links (seed 001 l.43-45).
  const links = () => data.links;
  r.get(`${T}/links`, list('links.view_section', links));
  r.patch(`${T}/links/:id`, gate('links.view_section'), load(links), onItem('links.edit'), (req, res) => {
    const { active, name } = req.body ?? {};
    if (active !== undefined && typeof active !== 'boolean') return invalid(res, '`active` must be true or false');
    if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 120)) return invalid(res, '`name` must be a short text');
    if (active !== undefined) req.item.active = active;
    if (name !== undefined) req.item.name = name.trim();
    res.json(req.item);
  });
  r.delete(`${T}/links/:id`, gate('links.view_section'), load(links), onItem('links.delete'), (req, res) => {
    data.links.splice(data.links.indexOf(req.item), 1);
    res.status(204).end();
  });

  // Team (seed 001 l.55-58): who has access here, and invitations.
  r.get(`${T}/team`, gate('users.view_section'), (req, res) => {
    const doc = directory.document();
    const here = (s) => within(req.params.scope, s) || within(s, req.params.scope);
    res.json({
      version: directory.version,
      assignments: doc.assignments
        .map((a, index) => ({ index, ...a, inherited: a.scope !== req.params.scope && within(a.scope, req.params.scope) }))
        .filter((a) => here(a.scope)),
      grants: (doc.grants ?? []).map((g, index) => ({ index, ...g })).filter((g) => here(g.scope)),
      invitations: data.invitations.filter((i) => within(req.params.scope, i.scope)),
    });
  });
  r.post(`${T}/team/invite`, gate('users.invite'), (req, res) => {
    const { email } = req.body ?? {};
    if (typeof email !== 'string' || !/^[^\s@]{1,64}@[^\s@]{1,120}$/.test(email)) return invalid(res, '`email` must be an email address');
    const inv = { id: nextId('inv'), scope: req.params.scope, email, invited_by: req.subject };
    data.invitations.push(inv);
    res.status(201).json(inv);
  });

  return r;
}
