// Team administration: which roles the signed-in user may give (canAssign), a change's preview
// with its access diff, and the change itself (canRevoke / canAssign, then applied to the live
// directory). The page never decides these: canAssign needs the whole directory.

import express from 'express';
import { diff, RolecallError } from 'rolecall';
import { enforce } from 'rolecall/node';
import { tenantContext } from './demo.js';
import { fail, isId } from './http.js';

/**
 * Routes under `/api/assignments` (the caller checks that someone is signed in). `assignRequires`
 * is the policy's `administration.assign_requires`: the caller must hold it at a scope before
 * anything about that scope is answered, decided as a guard decides, so an unknown scope is
 * answered exactly as one the caller cannot reach (403, no "did you mean" hint).
 */
export function teamRoutes({ directory, roleNames, onDecision, assignRequires }) {
  const r = express.Router();
  /** Whether the caller may administer `scope`; answers the guard's refusal when not. */
  const administers = (req, res, scope) => {
    const outcome = enforce(() => directory.evaluator, req.subject, assignRequires, scope, { context: tenantContext(scope) });
    if (!outcome.allowed) res.status(outcome.status).json(outcome.body);
    return outcome.allowed;
  };
  r.post('/options', (req, res) => {
    const { subject, scope } = req.body ?? {};
    const context = contextOf(req.body?.context);
    if (!isId(subject) || !isId(scope) || context === null) {
      return fail(res, 400, 'invalid_request', 'Give `subject`, `scope` and optionally `context`');
    }
    if (!administers(req, res, scope)) return;
    const e = directory.evaluator;
    const roles = directory.roleNames(roleNames).map((role) => ({
      role,
      decision: e.canAssign({ actor: req.subject, subject, role, scope, context }),
    }));
    res.json({ roles });
  });
  // The recent changes at a scope, newest first (with a database; in memory there is no log).
  r.get('/history', async (req, res, next) => {
    const scope = req.query.scope;
    if (!isId(scope)) return fail(res, 400, 'invalid_request', 'Give `scope`');
    if (!administers(req, res, scope)) return;
    if (directory.store === undefined) return res.json({ kept: false, changes: [] });
    try {
      res.json({ kept: true, changes: await directory.store.history({ scope, limit: 20 }) });
    } catch (e) {
      if (e?.name === 'StoreError') return fail(res, 503, e.code, e.message);
      next(e);
    }
  });
  r.post('/preview', (req, res) => {
    const change = changeOf(req.body ?? {}, req, res, directory, administers);
    if (change === undefined) return;
    const checks = checkChange(directory.evaluator, req.subject, change, directory);
    const allowed = checks.every((c) => c.decision.allowed);
    const result = { allowed, checks };
    if (allowed) result.diff = diff(directory.evaluator, directory.preview(change)).changes;
    res.json(result);
  });
  r.post('/', (req, res) => {
    const change = changeOf(req.body ?? {}, req, res, directory, administers);
    if (change === undefined) return;
    return applyChange(req, res, change);
  });
  r.delete('/:id', (req, res) => {
    const change = changeOf({ remove: req.params.id }, req, res, directory, administers);
    if (change === undefined) return;
    return applyChange(req, res, change);
  });

  async function applyChange(req, res, change) {
    const checks = checkChange(directory.evaluator, req.subject, change, directory);
    const denied = checks.find((c) => !c.decision.allowed);
    for (const c of checks) {
      onDecision({ at: new Date(), action: `assignments.${c.op}`, subject: req.subject, scope: c.assignment.scope, allowed: c.decision.allowed, code: c.decision.reason, decision: c.decision });
    }
    if (denied !== undefined) {
      return res.status(403).json({ error: { code: denied.decision.reason, message: denied.decision.message, missing: denied.decision.missing } });
    }
    // The diff comes from a preview taken before applying: with live updates the evaluator is
    // changed in place, so there is no "before" object left to compare afterwards.
    const changes = diff(directory.evaluator, directory.preview(change)).changes;
    let id;
    try {
      id = await directory.apply(change, req.subject);
    } catch (e) {
      if (e instanceof RolecallError) return fail(res, 422, e.code, e.message);
      // The database is down or refused: nothing changed (decisions go on from the last state).
      if (e?.name === 'StoreError') return fail(res, 503, e.code, e.message);
      throw e;
    }
    res.set('X-Rolecall-Version', String(directory.version));
    res.status(change.add === undefined ? 200 : 201).json({ id, version: directory.version, diff: changes });
  }

  return r;
}

/** An assignment's context: `{ dimension: string | string[] }`; null when malformed. */
function contextOf(x) {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'object' || Array.isArray(x)) return null;
  for (const v of Object.values(x)) {
    const ok = typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string'));
    if (!ok) return null;
  }
  return Object.keys(x).length === 0 ? undefined : x;
}

/**
 * Reads `{ add?, remove? }` (or a bare assignment, meaning `add`) from a request; answers the
 * error and returns undefined when it is malformed. `remove` is an assignment's stable id (ids,
 * unlike positions, do not move when someone else removes an assignment meanwhile).
 */
function changeOf(body, req, res, directory, administers) {
  const raw = body.add ?? (body.subject !== undefined ? body : undefined);
  let add;
  if (raw !== undefined) {
    const context = contextOf(raw.context);
    if (!isId(raw.subject) || !isId(raw.role) || !isId(raw.scope) || context === null) {
      fail(res, 400, 'invalid_request', 'An assignment needs `subject`, `role`, `scope` and optionally `context`');
      return undefined;
    }
    add = { subject: raw.subject, role: raw.role, scope: raw.scope, ...(context ? { context } : {}) };
    if (!administers(req, res, add.scope)) return undefined;
  }
  const remove = body.remove;
  if (remove !== undefined) {
    if (!isId(remove)) {
      fail(res, 400, 'invalid_request', '`remove` is the id of an assignment');
      return undefined;
    }
    if (directory.assignment(remove) === undefined) {
      fail(res, 404, 'unknown_assignment', `No assignment with id ${remove}`);
      return undefined;
    }
  }
  if (add === undefined && remove === undefined) {
    fail(res, 400, 'invalid_request', 'Give an assignment to add, the id of one to remove, or both');
    return undefined;
  }
  return { add, remove };
}

/** canRevoke for what is removed, canAssign for what is added. */
function checkChange(e, actor, change, directory) {
  const checks = [];
  if (change.remove !== undefined) {
    const a = directory.assignment(change.remove);
    const request = { actor, subject: a.subject, role: a.role, scope: a.scope, context: a.context };
    checks.push({ op: 'remove', assignment: a, decision: e.canRevoke(request) });
  }
  if (change.add !== undefined) {
    checks.push({ op: 'add', assignment: change.add, decision: e.canAssign({ actor, ...change.add }) });
  }
  return checks;
}

