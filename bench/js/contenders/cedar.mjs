// @cedar-policy/cedar-wasm: Cedar's own engine compiled to WebAssembly. Encoding:
//   - one policy per role, pre-parsed once (preparsePolicySet), checked with
//     statefulIsAuthorized (isAuthorized with the pre-parsed set instead of the text):
//       permit(principal, action in [Action::"res0.view", ...], resource)
//       when { principal has team0 && resource in principal.team0 };
//     the action list is the role's closed permissions turned into actions (Cedar has no levels);
//   - the resource is the scope: Scope entities with the root as parent, so Cedar's own `in`
//     gives "a grant at the root covers every subtenant";
//   - each user is a User entity whose attribute per role is the set of scopes it holds it at.
// Cedar takes the entities with every request (it keeps no directory): each check passes the
// user's entity and the scope's ancestry, built once per user and scope before timing.
import { createRequire } from 'node:module';
import { compileWorkload } from '../lib/compile.mjs';

const cedar = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs');
const ref = (type, id) => ({ type, id });

export function setup(texts) {
  const w = compileWorkload(texts);
  const staticPolicies = {};
  for (const [role, actions] of w.roleActions) {
    const list = actions.map((a) => `Action::${JSON.stringify(a)}`).join(', ');
    staticPolicies[role] =
      `permit(principal, action in [${list}], resource) when { principal has ${role} && resource in principal.${role} };`;
  }
  const parsed = cedar.preparsePolicySet('rolecall-bench', { staticPolicies });
  if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));
  const parent = new Map(w.directory.scopes.map((s) => [s.id, s.parent]));
  const scopeEntities = new Map(
    w.scopes.map((id) => {
      const chain = [];
      for (let s = id; s !== undefined; s = parent.get(s)) {
        const p = parent.get(s);
        chain.push({ uid: ref('Scope', s), attrs: {}, parents: p === undefined ? [] : [ref('Scope', p)] });
      }
      return [id, chain];
    }),
  );
  const users = new Map();
  for (const [user, list] of w.assignments) {
    const attrs = {};
    for (const { role, scope } of list) (attrs[role] ??= []).push({ __entity: ref('Scope', scope) });
    users.set(user, { uid: ref('User', user), attrs, parents: [] });
  }
  const context = {};
  const check = (subject, action, scope) => {
    const user = users.get(subject) ?? { uid: ref('User', subject), attrs: {}, parents: [] };
    const answer = cedar.statefulIsAuthorized({
      principal: user.uid,
      action: ref('Action', action),
      resource: ref('Scope', scope),
      context,
      preparsedPolicySetId: 'rolecall-bench',
      entities: [user, ...scopeEntities.get(scope)],
    });
    if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
    return answer.response.decision === 'allow';
  };
  return { first: check, check, info: { cedar: cedar.getCedarVersion() } };
}
