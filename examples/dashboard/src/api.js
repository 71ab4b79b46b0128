// Talking to the example server. Every request says which policy the page decides under
// (`X-Rolecall-Policy`); every answer says the directory version (`X-Rolecall-Version`). A newer
// version means someone changed roles: the session fetches a fresh snapshot. A 409
// `policy_mismatch` means the policy itself changed: the session reloads everything.

let policyHash;
let onVersion = () => {};
let onPolicyMismatch = () => {};

export function configureApi(options) {
  ({ policyHash, onVersion, onPolicyMismatch } = { ...{ policyHash, onVersion, onPolicyMismatch }, ...options });
}

/** The server refused (or failed): `code` is SPEC's reason code or the server's error code. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'http_error';
    this.missing = error?.missing ?? [];
  }
}

/** `api('POST', '/api/...', body)`: the JSON answer, or throws `ApiError`. */
export async function api(method, path, body, headers = {}) {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(policyHash ? { 'x-rolecall-policy': policyHash } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const version = res.headers.get('x-rolecall-version');
  if (version !== null) onVersion(Number(version));
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 409 && data?.error?.code === 'policy_mismatch') onPolicyMismatch();
    throw new ApiError(res.status, data?.error);
  }
  return data;
}
