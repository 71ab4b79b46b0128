// The dashboard's business routes, one guard each. The pattern: a route on a tenant
// (`/api/scopes/:scope/...`) is decided at that scope, with the tenant's country as context; a
// route on one item (a payment, a transfer) is decided at the item's own scope and with its own
// attributes (its country, its `created_by`), read here on the server, never from the request.
// The items live in `business` (business/: tables of the database, or memory); every route
// reads or writes it there.

import { randomBytes } from 'node:crypto';
import express from 'express';
import { tenantContext } from './demo.js';
import { fail } from './http.js';

export function businessRoutes({ gate, business, directory, tree }) {
  const r = express.Router();
  const T = '/scopes/:scope';
  const { within } = tree;

  /**
   * A list route: the items of the URL's tenant the subject may do `action` on (each decided as
   * its own check would be, at the item's scope with its country and its `created_by`), a page
   * at a time (`?offset=&limit=`, the total in `X-Total-Count`). Someone who may see none gets
   * an empty list. Each item keeps its scope and country, which the page's buttons are gated by.
   * The filter and the page are the business store's query (SQL with `toSql`, or `matcher`).
   */
  const list = (action, kind) => async (req, res) => {
    if (!req.subject) return fail(res, 401, 'unauthenticated', 'Sign in first');
    // Answered as the guards answer it: no response tells which scope ids exist.
    if (!tree.has(req.params.scope)) return fail(res, 403, 'out_of_scope', 'Not available here');
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
    const page = await business.list(kind, { root: req.params.scope, plan, offset, limit });
    res.set('X-Total-Count', String(page.total));
    res.json(page.items);
  };
  /** Loads `:id` of `kind` into `req.item`; 404 outside the URL's tenant. */
  const load = (kind) => async (req, res, next) => {
    const item = await business.get(kind, req.params.id);
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
  /** The item changed meanwhile (another request, another server): 409 with its state now. */
  const changed = async (res, kind, id, what) => {
    const now = await business.get(kind, id);
    return now === undefined ? fail(res, 404, 'not_found', `No ${id} here`) : conflict(res, `${what} ${id} is ${now.status}`);
  };

  // Payments and refunds (seed 001 l.49-51).
  r.get(`${T}/payments`, list('payment_intents.view_export', 'payments'));
  r.post(`${T}/payments/:id/refund`, gate('payment_intents.view_export'), load('payments'), onItem('refunds.create'), async (req, res) => {
    const p = req.item;
    // The payment's status and the new refund in one transaction; the status checked as it is set.
    const refund = await business.transaction(async (tx) => {
      if ((await tx.update('payments', p.id, { set: { status: 'refunded' }, when: { status: 'succeeded' } })) === undefined) return undefined;
      return tx.insert('refunds', { scope: p.scope, country: p.country, payment: p.id, amount: p.amount, currency: p.currency, status: 'pending', created_by: req.subject });
    });
    if (refund === undefined) return changed(res, 'payments', p.id, 'Payment');
    res.status(201).json(refund);
  });
  r.get(`${T}/refunds`, list('payment_intents.view_export', 'refunds'));
  r.post(`${T}/refunds/:id/cancel`, gate('payment_intents.view_export'), load('refunds'), onItem('refunds.cancel'), async (req, res) => {
    const re = await business.transaction(async (tx) => {
      const done = await tx.update('refunds', req.item.id, { set: { status: 'cancelled' }, when: { status: 'pending' } });
      if (done !== undefined) await tx.update('payments', done.payment, { set: { status: 'succeeded' } });
      return done;
    });
    if (re === undefined) return changed(res, 'refunds', req.item.id, 'Refund');
    res.json(re);
  });

  // Transfers: maker-checker (the creator may not approve).
  r.get(`${T}/transfers`, list('transfers.view_section', 'transfers'));
  r.post(`${T}/transfers`, gate('transfers.create'), async (req, res) => {
    const { amount, beneficiary } = req.body ?? {};
    if (!(Number.isFinite(amount) && amount > 0 && amount < 1e12)) return invalid(res, '`amount` must be a positive number');
    if (typeof beneficiary !== 'string' || beneficiary.trim() === '' || beneficiary.length > 120) {
      return invalid(res, '`beneficiary` must be a name of at most 120 characters');
    }
    const currency = { CL: 'CLP', MX: 'MXN' }[tenantContext(req.params.scope)?.country] ?? 'USD';
    const t = { scope: req.params.scope, amount, currency, beneficiary: beneficiary.trim(), created_by: req.subject, status: 'pending_approval' };
    res.status(201).json(await business.insert('transfers', t));
  });
  r.post(
    `${T}/transfers/:id/approve`,
    gate('transfers.view_section'),
    load('transfers'),
    onItem('transfers.approve', (req) => ({ created_by: req.item.created_by })),
    async (req, res) => {
      const t = await business.update('transfers', req.item.id, { set: { status: 'approved', approved_by: req.subject }, when: { status: 'pending_approval' } });
      if (t === undefined) return changed(res, 'transfers', req.item.id, 'Transfer');
      res.json(t);
    },
  );

  // API keys (seed 001 l.27-30). Secrets are made up and never stored.
  const masked = (k) => ({ ...k, secret: `sk_${k.mode}_••••••••${k.last4}` });
  r.get(`${T}/api-keys`, gate('api_keys.view_section'), async (req, res) => {
    const { items } = await business.list('apiKeys', { root: req.params.scope });
    res.json(items.map(masked));
  });
  const secret = (k) => `sk_${k.mode}_${randomBytes(12).toString('hex')}${k.last4}`;
  r.post(`${T}/api-keys/:id/reveal`, gate('api_keys.view_section'), load('apiKeys'), onItem('api_keys.view_key'), (req, res) =>
    res.json({ ...req.item, secret: secret(req.item) }),
  );
  r.post(`${T}/api-keys/:id/roll`, gate('api_keys.view_section'), load('apiKeys'), onItem('api_keys.roll_secret'), async (req, res) => {
    const k = await business.update('apiKeys', req.item.id, { set: { last4: randomBytes(2).toString('hex') }, add: { rolled: 1 } });
    if (k === undefined) return fail(res, 404, 'not_found', `No ${req.item.id} here`);
    res.json({ ...k, secret: secret(k) });
  });
  r.post(`${T}/api-keys/:id/activate`, gate('api_keys.view_section'), load('apiKeys'), onItem('api_keys.activate'), async (req, res) => {
    const k = await business.update('apiKeys', req.item.id, { set: { active: true } });
    if (k === undefined) return fail(res, 404, 'not_found', `No ${req.item.id} here`);
    res.json(masked(k));
  });

  // Webhooks (seed 001 l.37-42): Product may send a test but not create an endpoint.
  r.get(`${T}/webhooks`, list('webhooks.view_section', 'webhooks'));
  r.post(`${T}/webhooks`, gate('webhooks.create_endpoint'), async (req, res) => {
    const { url } = req.body ?? {};
    if (typeof url !== 'string' || !/^https:\/\/[^\s]{1,200}$/.test(url)) return invalid(res, '`url` must be an https URL');
    res.status(201).json(await business.insert('webhooks', { scope: req.params.scope, url, events: ['payment_intent.succeeded'], tests: 0 }));
  });
  r.post(`${T}/webhooks/:id/test`, gate('webhooks.view_section'), load('webhooks'), onItem('webhooks.send_test'), async (req, res) => {
    const w = await business.update('webhooks', req.item.id, { add: { tests: 1 } });
    if (w === undefined) return fail(res, 404, 'not_found', `No ${req.item.id} here`);
    res.json({ delivered: true, endpoint: w.id, status: 200, tests: w.tests });
  });

  // Links (seed 001 l.43-45).
  r.get(`${T}/links`, list('links.view_section', 'links'));
  r.patch(`${T}/links/:id`, gate('links.view_section'), load('links'), onItem('links.edit'), async (req, res) => {
    const { active, name } = req.body ?? {};
    if (active !== undefined && typeof active !== 'boolean') return invalid(res, '`active` must be true or false');
    if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 120)) return invalid(res, '`name` must be a short text');
    const set = { ...(active === undefined ? {} : { active }), ...(name === undefined ? {} : { name: name.trim() }) };
    const link = Object.keys(set).length === 0 ? req.item : await business.update('links', req.item.id, { set });
    if (link === undefined) return fail(res, 404, 'not_found', `No ${req.item.id} here`);
    res.json(link);
  });
  r.delete(`${T}/links/:id`, gate('links.view_section'), load('links'), onItem('links.delete'), async (req, res) => {
    await business.remove('links', req.item.id);
    res.status(204).end();
  });

  // Team (seed 001 l.55-58): who has access here, and invitations.
  r.get(`${T}/team`, gate('users.view_section'), async (req, res) => {
    const doc = directory.document();
    const here = (s) => within(req.params.scope, s) || within(s, req.params.scope);
    const { items: invitations } = await business.list('invitations', { root: req.params.scope });
    res.json({
      version: directory.version,
      assignments: doc.assignments
        .map((a, index) => ({ index, ...a, inherited: a.scope !== req.params.scope && within(a.scope, req.params.scope) }))
        .filter((a) => here(a.scope)),
      grants: (doc.grants ?? []).map((g, index) => ({ index, ...g })).filter((g) => here(g.scope)),
      invitations,
    });
  });
  r.post(`${T}/team/invite`, gate('users.invite'), async (req, res) => {
    const { email } = req.body ?? {};
    if (typeof email !== 'string' || !/^[^\s@]{1,64}@[^\s@]{1,120}$/.test(email)) return invalid(res, '`email` must be an email address');
    res.status(201).json(await business.insert('invitations', { scope: req.params.scope, email, invited_by: req.subject }));
  });

  return r;
}
