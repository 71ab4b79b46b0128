// Small helpers shared by the routes: the JSON error body, and what a name may look like.

/** Answers `{ error: { code, message } }` with `status`. */
export function fail(res, status, code, message) {
  return res.status(status).json({ error: { code, message } });
}

/** A subject, scope or role name as the directory allows it: 1 to 256 characters. */
export function isId(x) {
  return typeof x === 'string' && x.length > 0 && x.length <= 256;
}
