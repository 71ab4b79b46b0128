// The hand-written baseline: what a team writes without a library. Per user the list of its
// sources (a role's closed permissions as a Set, and the scope of the assignment); a check asks
// whether any source at the query scope or at the root holds the action's required permission.
// The workload's scope tree has two levels (the root and its subtenants), so "covers" is
// "same scope or root"; a deeper tree would walk the parents.
import { compileWorkload } from '../lib/compile.mjs';

export function setup(texts) {
  const w = compileWorkload(texts);
  const { requires, roles, root } = w;
  const users = new Map();
  for (const [user, list] of w.assignments) {
    users.set(user, list.map(({ role, scope }) => ({ perms: roles.get(role), scope })));
  }
  const check = (subject, action, scope) => {
    const perm = requires.get(action);
    const sources = users.get(subject);
    if (perm === undefined || sources === undefined) return false;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i];
      if ((s.scope === scope || s.scope === root) && s.perms.has(perm)) return true;
    }
    return false;
  };
  return { first: check, check };
}
