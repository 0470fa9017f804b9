import { createHash } from 'node:crypto';

/**
 * Builtins the OPA Wasm SDK leaves to the host. Policies that call any other
 * missing builtin still load; the call throws and the decision denies.
 */
type Builtin = (...args: unknown[]) => unknown;

function digest(algorithm: string): Builtin {
  return (value) => createHash(algorithm).update(String(value)).digest('hex');
}

function base64UrlJson(segment: unknown): unknown {
  if (typeof segment !== 'string') throw new Error('io.jwt.decode: malformed token');
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

export const HOST_BUILTINS: Readonly<Record<string, Builtin>> = {
  // Wall clock in nanoseconds; exact to the millisecond, which is what Date offers.
  'time.now_ns': () => Date.now() * 1_000_000,
  'crypto.sha256': digest('sha256'),
  'crypto.sha1': digest('sha1'),
  'crypto.md5': digest('md5'),
  // Decode only (no verification), as OPA's io.jwt.decode: [header, payload, signature hex].
  'io.jwt.decode': (token) => {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 3)
      throw new Error('io.jwt.decode: expected a compact JWS with three parts');
    const signature = Buffer.from(parts[2] ?? '', 'base64url').toString('hex');
    return [base64UrlJson(parts[0]), base64UrlJson(parts[1]), signature];
  },
  // Tracing is for `opa eval`; in the shim it is a no-op that succeeds. `print` (internal.print)
  // is provided per engine: see policy-print.ts.
  trace: () => true,
};
