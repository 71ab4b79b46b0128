// accesscontrol (v3): roles grant CRUD actions on named resources; it has no scopes. The scope
// is encoded into the resource name ("t3-res0"; names allow letters, digits, "_" and "-"), and
// each (role, scope) of the directory becomes its own role ("team0-t3") granting its actions
// on the resources of the scopes it covers: its own scope, or, for the root, every scope. A
// user holds the list of its role-scope names. v3's categories ("t3/res0" declared with
// setup()) would read better but measured 5x slower here, so the plain name is used.
// Actions map to CRUD: view -> read, change -> update (accesscontrol accepts no other names).
import { AccessControl } from 'accesscontrol';
import { compileWorkload } from '../lib/compile.mjs';

const CRUD = { view: 'read:any', change: 'update:any' };

export function setup(texts) {
  const w = compileWorkload(texts);
  const grants = [];
  const userRoles = new Map();
  const made = new Set();
  for (const [user, list] of w.assignments) {
    const names = [];
    for (const { role, scope } of list) {
      const name = `${role}-${scope}`;
      names.push(name);
      if (made.has(name)) continue;
      made.add(name);
      for (const s of scope === w.root ? w.scopes : [scope]) {
        for (const a of w.roleActions.get(role)) {
          const [res, verb] = w.split.get(a);
          grants.push({ role: name, resource: `${s}-${res}`, action: CRUD[verb], attributes: ['*'] });
        }
      }
    }
    userRoles.set(user, names);
  }
  const ac = new AccessControl(grants);
  const check = (subject, action, scope) => {
    const roles = userRoles.get(subject);
    if (roles === undefined) return false;
    const [res, verb] = w.split.get(action);
    const q = ac.can(roles);
    const resource = `${scope}-${res}`;
    return (verb === 'view' ? q.readAny(resource) : q.updateAny(resource)).granted;
  };
  return { first: check, check, info: { grants: grants.length, roles: made.size } };
}
