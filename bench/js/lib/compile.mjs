// The policy and directory compiled into what a hand-written encoding needs: each role's
// closed permissions, each action's required permission, each user's assignments, and each
// role's actions as rules with wildcards. The baselines and every library's encoding start from
// this (the libraries know no levels, no role includes and no scope tree), inside their setup,
// so it is part of their cold start and of the baselines' bundles. rolecall gets the raw texts.

/** SPEC's default levels; the workload's policy declares no `levels` of its own. */
const DEFAULT_LEVELS = { view: [], manage: ['view'], authorize: ['view'] };

/** Parses and compiles the workload's texts. */
export function compileWorkload({ policyText, directoryText }) {
  const policy = JSON.parse(policyText);
  const directory = JSON.parse(directoryText);
  return { policy, directory, ...compile(policy, directory) };
}

function compile(policy, directory) {
  // Only what this workload uses: a policy with custom levels, forbid rules, contexts or API
  // keys would need more, and a contender that got it wrong would show up as mismatches.
  if (policy.levels || policy.forbid) throw new Error('compile.mjs knows the default levels only');
  const resources = Object.keys(policy.resources);
  const implied = (level) => [level, ...(DEFAULT_LEVELS[level] ?? [])];
  const roleCache = new Map();
  const rolePerms = (name) => {
    if (roleCache.has(name)) return roleCache.get(name);
    const role = policy.roles[name];
    const perms = new Set();
    for (const inc of role.includes ?? []) for (const p of rolePerms(inc)) perms.add(p);
    for (const [res, levels] of Object.entries(role.grants ?? {})) {
      for (const r of res === '*' ? resources : [res]) {
        for (const l of levels) {
          for (const lv of l === '*' ? Object.keys(DEFAULT_LEVELS) : implied(l)) perms.add(`${r}:${lv}`);
        }
      }
    }
    roleCache.set(name, perms);
    return perms;
  };
  /** action -> the one permission it requires (every action of this workload requires one). */
  const requires = new Map(Object.entries(policy.actions).map(([a, d]) => [a, d.requires]));
  const roles = new Map(Object.keys(policy.roles).map((r) => [r, rolePerms(r)]));
  /** role -> the actions its permissions allow: what libraries without levels are given. */
  const roleActions = new Map(
    [...roles].map(([r, perms]) => [r, [...requires].filter(([, p]) => perms.has(p)).map(([a]) => a)]),
  );
  const root = directory.scopes.find((s) => s.parent === undefined).id;
  const scopes = directory.scopes.map((s) => s.id);
  /** user -> [{ role, scope }] in directory order. */
  const assignments = new Map();
  for (const { subject, role, scope } of directory.assignments) {
    let list = assignments.get(subject);
    if (list === undefined) assignments.set(subject, (list = []));
    list.push({ role, scope });
  }
  // "resN.change" -> ["resN", "change"]: the (resource, verb) pair libraries without dotted
  // action names are asked about.
  const split = new Map([...requires.keys()].map((a) => [a, a.split('.')]));
  return { resources, requires, roles, roleActions, root, scopes, assignments, split, roleRules: compact(roleActions, resources, split) };
}

/**
 * role -> [[resource or '*', verb or '*']]: each role's actions as a library with wildcards is
 * given them, the way the policy's author wrote them (`viewer: { "*": [view] }`): a verb the
 * role allows on every resource is one '*' rule, and every verb on every resource is ['*', '*'].
 */
function compact(roleActions, resources, split) {
  const verbs = [...new Set([...split.values()].map(([, v]) => v))];
  return new Map(
    [...roleActions].map(([role, actions]) => {
      const pairs = actions.map((a) => split.get(a));
      const everywhere = verbs.filter((v) => resources.every((r) => pairs.some(([x, y]) => x === r && y === v)));
      if (everywhere.length === verbs.length) return [role, [['*', '*']]];
      const rules = everywhere.map((v) => ['*', v]);
      for (const [r, v] of pairs) if (!everywhere.includes(v)) rules.push([r, v]);
      return [role, rules];
    }),
  );
}

