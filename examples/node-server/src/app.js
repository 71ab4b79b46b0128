// The example server: the payments dashboard's API, every route enforced with `rolecall/node`,
// per-user snapshots for the page, role assignment through `canAssign` with the access diff, and
// custom roles through `canDefineRole`.
// Sign-in is a DEMO: one picks an example user and gets a cookie; there are no passwords.
//
// The page hides and disables buttons with the same policy, but that is a convenience: each
// request below is decided here, whatever the page showed.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { Policy, RolecallError } from 'rolecall';
import { enforce, guard } from 'rolecall/node';
import YAML from 'yaml';
import { memoryBusiness } from './business/memory.js';
import { demoUsers, tenantContext, tenants } from './demo.js';
import { LiveDirectory } from './live.js';
import { businessRoutes } from './routes.js';
import { reviewRoutes } from './review.js';
import { roleRoutes } from './roles.js';
import { teamRoutes } from './team.js';
import { scopeTree } from './tree.js';
import { fail, isId } from './http.js';

const COOKIE = 'rolecall_demo_user';
const AUDIT_SIZE = 500;

/**
 * Builds the app. `policyText` and `directoryText` are YAML or JSON; `store`, optional, a
 * `rolecall/postgres` store holding the directory (else it is kept in memory); `business`,
 * optional, the business data in the same database (business/sql.js; else the demo data in
 * memory); `dashboardDir` is the built dashboard (served at `/`), optional. Returns
 * `{ app, directory, audit }`.
 */
export function createApp({ policyText, directoryText, dashboardDir, store, business, logAudit = false }) {
  const policy = Policy.parse(policyText);
  // The page gets the policy as JSON: the same canonical form, so the same hash.
  const policyDoc = YAML.parse(policyText);
  const policyJson = JSON.stringify(policyDoc);
  const roleNames = Object.keys(policyDoc.roles ?? {});
  // With a store (rolecall/postgres) the directory is the database's, and `policyText` must be
  // the policy the store was opened with.
  const directory = new LiveDirectory(store?.policy ?? policy, YAML.parse(directoryText), store);
  const tree = scopeTree(directory);
  const items = business ?? memoryBusiness(tree);
  const audit = [];
  const evaluator = () => directory.evaluator;
  const onDecision = (event) => {
    audit.push({ ...event, at: event.at.toISOString() });
    if (audit.length > AUDIT_SIZE) audit.shift();
    if (logAudit) {
      console.log(`audit ${event.allowed ? 'allow' : 'deny '} ${event.code} ${event.subject ?? '-'} ${event.action} ${event.scope}`);
    }
  };

  /**
   * A guard for `action`, in `guard`'s order: the subject from the session; the scope the URL's
   * tenant unless given, and by default that scope's context.
   */
  const gate = (action, scope = (req) => req.params.scope, o = {}) =>
    guard(evaluator, (req) => req.subject, action, scope, {
      context: o.context ?? ((req) => tenantContext(scope(req))),
      resource: o.resource,
      audit: onDecision,
    });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use('/api', express.json({ limit: '16kb', strict: true }));
  app.use('/api', (req, res, next) => {
    req.subject = subjectOf(req, directory);
    res.set('Cache-Control', 'no-store');
    res.set('X-Rolecall-Version', String(directory.version));
    res.set('X-Rolecall-Policy', policy.hash);
    // A page that decides under another policy shows the wrong buttons: make it reload.
    const theirs = req.get('x-rolecall-policy');
    if (theirs !== undefined && theirs !== policy.hash) {
      return fail(res, 409, 'policy_mismatch', 'The page was loaded under another policy; reload it');
    }
    next();
  });

  // --- Demo sign-in (no passwords: pick an example user) -----------------------------------
  app.get('/api/session', (req, res) => {
    res.json({ demo: true, users: demoUsers, subject: req.subject ?? null });
  });
  app.post('/api/session', (req, res) => {
    const user = demoUsers.find((u) => u.id === req.body?.user);
    if (user === undefined) return fail(res, 400, 'unknown_user', 'Choose one of the example users');
    res.set('Set-Cookie', `${COOKIE}=${encodeURIComponent(user.id)}; Path=/; HttpOnly; SameSite=Strict`);
    res.json({ subject: user.id });
  });
  app.delete('/api/session', (req, res) => {
    res.set('Set-Cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.status(204).end();
  });

  // --- What the page needs to decide locally -------------------------------------------------
  app.get('/api/policy', (req, res) => {
    res.json({ hash: policy.hash, policy: policyJson });
  });
  app.get('/api/me', signedIn, (req, res) => {
    const snapshot = directory.evaluator.snapshot(req.subject);
    res.json({
      subject: req.subject,
      name: demoUsers.find((u) => u.id === req.subject)?.name ?? req.subject,
      version: directory.version,
      tenants: snapshot.scopes
        .filter((s) => s.reachable !== false)
        .map((s) => ({ id: s.id, parent: s.parent, kind: s.kind, ...tenants[s.id] })),
    });
  });
  // Only the signed-in subject's own snapshot: their sources and the scopes they reach. With
  // `?decisions=1`, also their decisions, for a page that gates before its WebAssembly loads
  // (`rolecall/decisions`).
  app.get('/api/me/snapshot', signedIn, (req, res) => {
    const decisions = req.query.decisions === '1';
    res.json(directory.evaluator.snapshot(req.subject, { decisions }));
  });

  // --- The dashboard's API: every route enforced --------------------------------------------
  app.use('/api', businessRoutes({ gate, business: items, directory, tree }));
  app.use('/api', reviewRoutes({ gate, directory, policy }));

  // Any action at any scope, for parity tests and for curious developers: 200 or the refusal.
  // It answers a question and carries nothing out, so it takes the context from the request;
  // a route that acts takes it from the server's own data (`gate` above), never from the
  // request. `enforce` refuses a `"*"` value here as everywhere (no `anyContextValue`): "is any
  // country allowed?" is a question for a page's snapshot, not for the server.
  app.post('/api/scopes/:scope/actions/:action', (req, res) => {
    const body = req.body ?? {};
    const context = stringMap(body.context);
    const resource = stringMap(body.resource);
    if (context === null || resource === null) {
      return fail(res, 400, 'invalid_request', '`context` and `resource` must map names to strings');
    }
    const outcome = enforce(evaluator, req.subject, req.params.action, req.params.scope, { context, resource, audit: onDecision });
    if (!outcome.allowed) return res.status(outcome.status).json(outcome.body);
    res.json(outcome.decision);
  });

  // --- Team: assigning and revoking roles through canAssign / canRevoke ----------------------
  app.use('/api/assignments', signedIn, teamRoutes({ directory, roleNames, onDecision, assignRequires: policyDoc.administration?.assign_requires ?? 'users:manage' }));

  // --- Custom roles: a manager defines a tenant's role through canDefineRole ------------------
  const defineRequires = policyDoc.administration?.define_roles_requires ?? policyDoc.administration?.assign_requires ?? 'users:manage';
  app.use('/api/roles', signedIn, roleRoutes({ directory, onDecision, defineRequires, permissions: permissionList(policyDoc) }));

  // --- The built dashboard -------------------------------------------------------------------
  app.use('/api', (req, res) => fail(res, 404, 'not_found', `No route ${req.method} ${req.path}`));
  if (dashboardDir !== undefined && existsSync(join(dashboardDir, 'index.html'))) {
    app.use(express.static(dashboardDir, { index: 'index.html' }));
    app.use((req, res, next) => (req.method === 'GET' ? res.sendFile(join(dashboardDir, 'index.html')) : next()));
  } else {
    app.get('/', (req, res) =>
      res.type('text').send('The dashboard is not built: run `make demo`, or `npm run build` in examples/dashboard.\n'),
    );
  }
  app.use(errors);

  return { app, directory, audit };
}

/** Every permission of the policy (`resource:level`, with labels), in declared order. */
function permissionList(doc) {
  const levels = doc.levels ?? { view: {}, manage: {}, authorize: {} };
  const out = [];
  for (const [resource, r] of Object.entries(doc.resources ?? {})) {
    for (const level of r.levels ?? Object.keys(levels)) {
      const levelLabel = levels[level]?.label ?? level[0].toUpperCase() + level.slice(1);
      out.push({ permission: `${resource}:${level}`, label: `${levelLabel} on ${r.label ?? resource}` });
    }
  }
  return out;
}

/** Who is asking: the demo cookie, or (demo too) `Authorization: Bearer <API key id>`. */
function subjectOf(req, directory) {
  const auth = req.get('authorization');
  if (auth !== undefined) {
    const id = /^Bearer (\S+)$/.exec(auth)?.[1];
    return directory.document().api_keys?.some((k) => k.id === id) ? id : undefined;
  }
  const cookie = (req.get('cookie') ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
  if (cookie === undefined) return undefined;
  let id;
  try {
    id = decodeURIComponent(cookie.slice(COOKIE.length + 1));
  } catch {
    return undefined;
  }
  return demoUsers.some((u) => u.id === id) ? id : undefined;
}

function signedIn(req, res, next) {
  if (req.subject === undefined) return fail(res, 401, 'unauthenticated', 'Sign in first');
  next();
}

/** `{ name: string }` or undefined; null when malformed. */
function stringMap(x) {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'object' || Array.isArray(x)) return null;
  const out = {};
  for (const [k, v] of Object.entries(x)) {
    if (typeof v !== 'string') return null;
    out[k] = v;
  }
  return out;
}

/** Never a crash, never an allow: input errors are 400, an invalid change 422, the database down 503, the rest 500. */
function errors(err, req, res, next) {
  if (res.headersSent) return next(err);
  if (err?.type === 'entity.parse.failed') return fail(res, 400, 'invalid_json', 'The body is not valid JSON');
  if (err?.type === 'entity.too.large') return fail(res, 413, 'too_large', 'The body is too large');
  if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    return fail(res, err.status, 'invalid_request', 'The request could not be read');
  }
  // The business data's database refused or is down (business/sql.js): decisions go on.
  if (err?.code === 'store_unavailable') return fail(res, 503, 'store_unavailable', err.message);
  if (err instanceof RolecallError) {
    const input = ['unknown_scope', 'unknown_role', 'unknown_dimension', 'unknown_action', 'unknown_permission', 'unknown_assignment', 'missing_resource_attribute'];
    return fail(res, input.includes(err.code) ? 400 : 422, err.code, err.message);
  }
  console.error('internal error:', err);
  return fail(res, 500, 'internal', 'Something went wrong');
}
