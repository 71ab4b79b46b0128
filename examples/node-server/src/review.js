// The permission reference and the access review (issue 18). The reference is the policy's own
// (`policy.reference()`, the same data as `rolecall docs`): public, like the policy the page
// already downloads. The access review lists who holds what, so it is a download only for those
// allowed to change the team's permissions at the scope asked about, and holds only what was
// given in that scope and below (`rolecall report`'s rows, the same CSV bytes).

import express from 'express';
import { fail } from './http.js';

/** Routes under `/api`: `GET /reference`, `GET /scopes/:scope/access-review?format=csv|json`. */
export function reviewRoutes({ gate, directory, policy }) {
  const r = express.Router();
  const reference = policy.reference();
  r.get('/reference', (req, res) => res.json(reference));

  /** Is `scope` the scope `root` or below it, in the tree `up` (scope to parent)? */
  const within = (up, root, scope) => {
    for (let s = scope; s !== undefined; s = up.get(s)) if (s === root) return true;
    return false;
  };
  r.get('/scopes/:scope/access-review', gate('users.change_permissions'), (req, res) => {
    const format = req.query.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') {
      return fail(res, 400, 'invalid_request', '`format` is `csv` or `json`');
    }
    const e = directory.evaluator;
    const up = new Map(directory.document().scopes.map((s) => [s.id, s.parent]));
    const keep = e.accessReport('json').map((row) => within(up, req.params.scope, row.scope));
    const file = `access-review-${req.params.scope.replace(/[^\w.-]/g, '_')}.${format}`;
    res.set('Content-Disposition', `attachment; filename="${file}"`);
    if (format === 'json') return res.json(e.accessReport('json').filter((_, i) => keep[i]));
    res.type('text/csv').send(csvRows(e.accessReport('csv'), keep));
  });
  return r;
}

/**
 * The core's CSV (`rolecall report`'s bytes), keeping the header and the rows marked in `keep`:
 * ids and contexts hold no line breaks, so row i of the JSON is line i + 1 of the CSV, and the
 * quoting and the formula guard stay the core's.
 */
function csvRows(text, keep) {
  const lines = text.split('\r\n');
  return lines.filter((line, i) => i === 0 || (line !== '' && keep[i - 1])).join('\r\n') + '\r\n';
}
