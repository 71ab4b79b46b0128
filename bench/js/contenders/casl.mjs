// @casl/ability, one Ability per user (CASL's model: rules for the current user), built with
// AbilityBuilder + createMongoAbility. The action "resN.verb" is asked as (verb, resN); a
// role's levels are given to CASL already closed into the actions they allow (CASL has no
// levels), with CASL's wildcards where the role allows a verb on every resource ('all') or
// every verb ('manage'), as the policy's `"*"` grants read. Two encodings of the scope, modes:
//   condition     the subject is a resN record with a `scope` field; a subtenant assignment is
//                 a rule with the condition { scope }, a root assignment a rule without one
//                 (so the root covers every subtenant);
//   subject-type  the scope is part of the subject type ("t3/res0"); a root assignment gives
//                 rules for every scope's type. No conditions to match, so faster, but every
//                 new subtenant changes every root user's rules.
import { AbilityBuilder, createMongoAbility, subject as tag } from '@casl/ability';
import { compileWorkload } from '../lib/compile.mjs';

export function setup(texts, mode) {
  const w = compileWorkload(texts);
  const byScope = mode === 'subject-type';
  // The subjects a dashboard would hold: one object per (scope, resource), made once.
  const objects = new Map(
    w.scopes.map((s) => [s, new Map(w.resources.map((r) => [r, byScope ? `${s}/${r}` : tag(r, { scope: s })]))]),
  );
  const wild = (x, any) => (x === '*' ? any : x);
  const build = (user) => {
    const { can, build } = new AbilityBuilder(createMongoAbility);
    for (const { role, scope } of w.assignments.get(user) ?? []) {
      for (const [res, v] of w.roleRules.get(role)) {
        const verb = wild(v, 'manage');
        if (byScope) {
          if (scope === w.root && res === '*') can(verb, 'all');
          else {
            const types = (r) => (scope === w.root ? w.scopes : [scope]).map((s) => `${s}/${r}`);
            can(verb, res === '*' ? w.resources.flatMap(types) : types(res));
          }
        } else if (scope === w.root) can(verb, wild(res, 'all'));
        else can(verb, wild(res, 'all'), { scope });
      }
    }
    return build();
  };
  const abilities = new Map();
  const check = (subject, action, scope) => {
    let ability = abilities.get(subject);
    if (ability === undefined) abilities.set(subject, (ability = build(subject)));
    const [res, verb] = w.split.get(action);
    return ability.can(verb, objects.get(scope).get(res));
  };
  const prepareAll = (users) => {
    for (const u of users) abilities.set(u, build(u));
    return users.length;
  };
  return { first: check, check, prepareAll };
}
