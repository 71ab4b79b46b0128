// The business data in memory (DIRECTORY_STORE=memory, as the route tests run): the demo data
// (demo.js) fresh for each server, lost at exit. The same calls as the SQL store (sql.js);
// lists are filtered in JavaScript with rolecall/filter's `matcher`.

import { matcher } from 'rolecall/filter';
import { seedData, tenantContext } from '../demo.js';
import { COLUMNS, kindOf } from './kinds.js';

/**
 * The items of `items` that `plan` (`evaluator.filter`) lets through, each read as its own
 * check reads it: its scope, its country (its tenant's when it has none), its `created_by`.
 */
export function visible(plan, items) {
  const allows = matcher(plan, COLUMNS);
  return items.filter((x) => allows({ scope: x.scope, country: x.country ?? tenantContext(x.scope)?.country, created_by: x.created_by }));
}

/** A copy without the fields that are unset (as the SQL store answers). */
const copy = (x) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined && v !== null));

/** The business store in memory; `tree` is the directory's scope tree (tree.js). */
export function memoryBusiness(tree) {
  const data = seedData();
  const rows = (kind) => {
    kindOf(kind);
    return data[kind];
  };
  const store = {
    describe: 'memory (lost at exit)',
    /**
     * The items of `kind` in `root`'s subtree that `plan` lets through (every one without a
     * plan), in creation order: `{ total, items }`, `items` the page `offset`, `limit`.
     */
    async list(kind, { root, plan, offset = 0, limit }) {
      const under = rows(kind).filter((x) => tree.within(root, x.scope));
      const all = plan === undefined ? under : visible(plan, under);
      return { total: all.length, items: all.slice(offset, limit === undefined ? undefined : offset + limit).map(copy) };
    },
    async get(kind, id) {
      const item = rows(kind).find((x) => x.id === id);
      return item === undefined ? undefined : copy(item);
    },
    /** Adds an item (its id made here) and answers it. */
    async insert(kind, fields) {
      const item = { id: `${kindOf(kind).prefix}_${++data.counter}`, ...fields };
      rows(kind).push(item);
      return copy(item);
    },
    /**
     * Sets `set`'s fields and adds `add`'s numbers, when the item's fields equal `when`'s;
     * answers the item after, or undefined (no such item, or `when` did not hold).
     */
    async update(kind, id, { set = {}, add = {}, when = {} }) {
      const item = rows(kind).find((x) => x.id === id);
      if (item === undefined || Object.entries(when).some(([f, v]) => item[f] !== v)) return undefined;
      Object.assign(item, set);
      for (const [f, n] of Object.entries(add)) item[f] += n;
      return copy(item);
    },
    async remove(kind, id) {
      const list = rows(kind);
      const at = list.findIndex((x) => x.id === id);
      if (at >= 0) list.splice(at, 1);
      return at >= 0;
    },
    /** `body(store)`: in memory nothing runs between its steps but its own awaits. */
    transaction: (body) => body(store),
    close: async () => undefined,
  };
  return store;
}
