// The signed-in user's session: the policy (fetched once), their snapshot turned into
// `Permissions`, and the permission store the React tree reads. A new snapshot replaces the
// permissions in the store (`store.set`): the gated controls re-render, nothing else does.

import init, { Permissions, Policy } from 'rolecall';
import { createPermissionStore } from 'rolecall/react';
import { api, configureApi } from './api.js';

let policy;
let policyDoc;
let store;
let me;
let users = [];
let version = 0;
let loading;
const listeners = new Set();

/** The session as React reads it (`useSyncExternalStore(subscribe, current)`). */
let state = { status: 'loading' };
export const current = () => state;
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function publish(next) {
  state = next;
  for (const l of [...listeners]) l();
}

/** Starts the session: the WebAssembly module, the policy, and the user's permissions if signed in. */
export async function start() {
  try {
    await init();
    configureApi({ onVersion: versionSeen, onPolicyMismatch: () => window.location.reload() });
    const session = await api('GET', '/api/session');
    users = session.users;
    if (session.subject === null) return publish({ status: 'signed-out', users });
    await loadPolicy();
    await refresh();
  } catch (error) {
    publish({ status: 'error', error });
  }
}

async function loadPolicy() {
  const { hash, policy: text } = await api('GET', '/api/policy');
  policy = Policy.parse(text);
  policyDoc = JSON.parse(text);
  if (policy.hash !== hash) throw new Error('the policy the server sent does not match its hash');
  configureApi({ policyHash: policy.hash });
}

/** Fetches the user's snapshot again and replaces the permissions in the store. */
export function refresh() {
  loading ??= (async () => {
    try {
      const [who, snapshot] = await Promise.all([api('GET', '/api/me'), api('GET', '/api/me/snapshot')]);
      // Refused with `policy_mismatch` if the server's policy changed under us.
      const permissions = Permissions.fromSnapshot(policy, snapshot);
      version = who.version;
      const same = state.status === 'ready' && JSON.stringify({ ...who, version: 0 }) === JSON.stringify({ ...me, version: 0 });
      me = who;
      if (store === undefined) store = createPermissionStore(permissions);
      else store.set(permissions);
      // Same user, same tenants: the store update alone re-renders the gated controls.
      if (!same) publish({ status: 'ready', users, me, store, policy, policyDoc });
    } finally {
      loading = undefined;
    }
  })();
  return loading;
}

/** A response said the directory changed: the snapshot is stale. */
function versionSeen(v) {
  if (state.status === 'ready' && v > version && loading === undefined) {
    version = v;
    refresh().catch((error) => publish({ status: 'error', error }));
  }
}

/** DEMO sign-in: become one of the example users. */
export async function signIn(user) {
  await api('POST', '/api/session', { user });
  if (policy === undefined) await loadPolicy();
  await refresh();
}

export async function signOut() {
  await api('DELETE', '/api/session');
  publish({ status: 'signed-out', users });
}
