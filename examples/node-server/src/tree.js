// The directory's scope tree as the routes ask about it: does a scope exist, and is one scope
// the other or below it. Read from the directory once per directory version.

/** `{ has(scope), within(root, scope) }` over `directory` (a LiveDirectory). */
export function scopeTree(directory) {
  let tree = { version: -1, parents: new Map() };
  const parents = () => {
    if (tree.version !== directory.version) {
      tree = { version: directory.version, parents: new Map(directory.document().scopes.map((s) => [s.id, s.parent])) };
    }
    return tree.parents;
  };
  return {
    has: (scope) => parents().has(scope),
    /** Is `scope` the scope `root` or below it? */
    within(root, scope) {
      const up = parents();
      for (let s = scope; s !== undefined; s = up.get(s)) if (s === root) return true;
      return false;
    },
  };
}
