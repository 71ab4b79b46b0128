// Custom roles: a team manager creates a role for their tenant by ticking permissions. The server
// offers only the permissions the caller holds at the tenant (so the page cannot offer an
// escalation), previews who a role affects (canDefineRole, then the access diff of the directory
// with the role defined), and creates it on the live directory (in the database, with its
// history, when the server keeps one). Every request is decided here: canDefineRole refuses a
// role beyond what the caller holds whatever the page sent.

import express from 'express';
import { diff, RolecallError } from 'rolecall';
import { enforce } from 'rolecall/node';
import { tenantContext } from './demo.js';
import { fail, isId } from './http.js';

/** Routes under `/api/roles` (the caller checks that someone is signed in). */
export function roleRoutes({ directory, onDecision, defineRequires, permissions }) {
  const r = express.Router();
  const administers = (req, res, scope) => {
    const outcome = enforce(() => directory.evaluator, req.subject, defineRequires, scope, { context: tenantContext(scope) });
    if (!outcome.allowed) res.status(outcome.status).json(outcome.body);
    return outcome.allowed;
  };
  // The permissions the caller may put in a role at `scope`: those it holds there, with no
  // context (canDefineRole checks the same way).
  r.post('/options', (req, res) => {
    const scope = req.body?.scope;
    if (!isId(scope)) return fail(res, 400, 'invalid_request', 'Give `scope`');
    if (!administers(req, res, scope)) return;
    const e = directory.evaluator;
    const offered = permissions.filter((p) => e.can(req.subject, p.permission, scope));
    res.json({ permissions: offered, roles: directory.document().roles ?? [] });
  });
  r.post('/preview', (req, res) => {
    const role = roleOf(req.body?.role, res);
    if (role === undefined || !administers(req, res, role.scope)) return;
    const decision = directory.evaluator.canDefineRole({ actor: req.subject, role });
    const result = { allowed: decision.allowed, decision };
    if (decision.allowed) result.diff = diff(directory.evaluator, directory.previewRole(role)).changes;
    res.json(result);
  });
  r.post('/', async (req, res) => {
    const role = roleOf(req.body?.role, res);
    if (role === undefined || !administers(req, res, role.scope)) return;
    const decision = directory.evaluator.canDefineRole({ actor: req.subject, role });
    onDecision({ at: new Date(), action: 'roles.define', subject: req.subject, scope: role.scope, allowed: decision.allowed, code: decision.reason, decision });
    if (!decision.allowed) {
      return res.status(403).json({ error: { code: decision.reason, message: decision.message, missing: decision.missing } });
    }
    const changes = diff(directory.evaluator, directory.previewRole(role)).changes;
    let replaced;
    try {
      replaced = await directory.defineRole(role, req.subject);
    } catch (e) {
      if (e instanceof RolecallError) return fail(res, 422, e.code, e.message);
      // The database is down or refused: nothing changed.
      if (e?.name === 'StoreError') return fail(res, 503, e.code, e.message);
      throw e;
    }
    res.set('X-Rolecall-Version', String(directory.version));
    res.status(replaced ? 200 : 201).json({ role, replaced, version: directory.version, diff: changes });
  });
  return r;
}

/**
 * `{ id, label?, scope, grants: { resource: [level] } }` from a request, or undefined after
 * answering 400. Only grants: the page ticks permissions.
 */
function roleOf(x, res) {
  const ok =
    x !== null && typeof x === 'object' && !Array.isArray(x) && isId(x.id) && isId(x.scope) &&
    /^[a-z][a-z0-9_]*$/.test(x.id) && (x.label === undefined || (typeof x.label === 'string' && x.label.length <= 80)) &&
    x.grants !== null && typeof x.grants === 'object' && !Array.isArray(x.grants) &&
    Object.values(x.grants).every((l) => Array.isArray(l) && l.length > 0 && l.every((v) => typeof v === 'string'));
  if (!ok) {
    fail(res, 400, 'invalid_request', 'A role needs `id` (lowercase letters, digits, _), `scope`, `grants` and optionally `label`');
    return undefined;
  }
  return { id: x.id, scope: x.scope, grants: x.grants, ...(x.label ? { label: x.label } : {}) };
}
