// Queries and requests as the JSON the binding decodes, and decisions back. The slow path's
// only work outside the core: building that JSON and filling in the clock.

import type { Decision, Time } from './types.js';

/** RFC 3339 text for a time, `undefined` for none. */
export function timeText(now: Time | undefined): string | undefined {
  if (now === undefined || now === null) return undefined;
  if (typeof now === 'string') return now;
  return (typeof now === 'number' ? new Date(now) : now).toISOString();
}

/** Milliseconds for the fast path; `undefined` when only the slow path can read it (text). */
export function timeMillis(now: Date | number | string): number | undefined {
  if (typeof now === 'number') return now;
  if (typeof now === 'string') return undefined;
  return now.getTime();
}

/** The query JSON. `target` with a `:` is a permission (names never contain one). */
export function queryJson(
  subject: string,
  target: string,
  scope: string,
  context: object | undefined,
  resource: object | undefined,
  now: string | undefined,
): string {
  const isPermission = target.includes(':');
  return JSON.stringify({
    subject,
    action: isPermission ? undefined : target,
    permission: isPermission ? target : undefined,
    scope,
    context,
    resource,
    now,
  });
}

/** A decision as the binding encodes it: empty lists are left out. */
interface WireDecision extends Omit<Decision, 'sources' | 'missing'> {
  sources?: Decision['sources'];
  missing?: Decision['missing'];
}

/** Parses a decision, with both lists always present. */
export function decision(json: string): Decision {
  const d = JSON.parse(json) as WireDecision;
  return {
    allowed: d.allowed,
    reason: d.reason,
    message: d.message,
    sources: d.sources ?? [],
    missing: d.missing ?? [],
  };
}
