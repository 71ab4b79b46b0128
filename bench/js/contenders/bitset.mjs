// The practical limit: every decision precomputed into a bitset per (user, scope), one bit per
// action, checked by integer handles. Nothing is left to decide at query time; the price is
// users x scopes x actions bits up front and a rebuild on every directory change.
import { compileWorkload } from '../lib/compile.mjs';

export function setup(texts) {
  const w = compileWorkload(texts);
  const actions = [...w.requires.keys()];
  const actionId = new Map(actions.map((a, i) => [a, i]));
  const scopeId = new Map(w.scopes.map((s, i) => [s, i]));
  const userIds = new Map([...w.assignments.keys()].map((u, i) => [u, i]));
  const words = (actions.length + 31) >>> 5;
  const nScopes = w.scopes.length;
  const bits = new Uint32Array(userIds.size * nScopes * words);
  for (const [user, list] of w.assignments) {
    const u = userIds.get(user);
    for (const { role, scope } of list) {
      const at = scope === w.root ? [...scopeId.values()] : [scopeId.get(scope)];
      for (const a of w.roleActions.get(role)) {
        const id = actionId.get(a);
        for (const s of at) bits[(u * nScopes + s) * words + (id >>> 5)] |= 1 << (id & 31);
      }
    }
  }
  // An unknown user gets the handle -1: no row, every check false.
  const checkIds = (u, a, s) =>
    u >= 0 && ((bits[(u * nScopes + s) * words + (a >>> 5)] >>> (a & 31)) & 1) === 1;
  const handles = {
    subject: (name) => userIds.get(name) ?? -1,
    action: (name) => actionId.get(name),
    scope: (name) => scopeId.get(name),
  };
  const first = (u, a, s) => checkIds(handles.subject(u), actionId.get(a), scopeId.get(s));
  return { first, handles, checkIds };
}
