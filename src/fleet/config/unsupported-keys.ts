/**
 * OPA settings the shim knows but does not implement. Naming them apart from typos tells the
 * reader the key is right for OPA and that the shim refuses it rather than ignoring it: a fleet
 * setting silently dropped (a credential type, a TLS client certificate) would change what the
 * shim trusts or sends. `*` stands for a name the user chose (a service, a bundle).
 */
const UNSUPPORTED: readonly string[] = [
  'discovery',
  'plugins',
  'server',
  'storage',
  'caching',
  'distributed_tracing',
  'persistence_directory',
  'nd_builtin_cache',
  'default_decision',
  'default_authorization_decision',
  'services.*.type',
  'services.*.allow_insecure_tls',
  'services.*.tls.system_ca_required',
  'services.*.credentials.client_tls',
  'services.*.credentials.oauth2',
  'services.*.credentials.s3_signing',
  'services.*.credentials.gcp_metadata',
  'services.*.credentials.azure_managed_identity',
  'services.*.credentials.plugin',
  'bundles.*.trigger',
  'bundles.*.size_limit_bytes',
  'bundles.*.signing.keyid_header',
  'decision_logs.plugin',
  'decision_logs.partition_name',
  'decision_logs.request_context',
  'decision_logs.trigger',
  'decision_logs.reporting.buffer_type',
  'decision_logs.reporting.max_decisions_per_second',
  'decision_logs.reporting.trigger',
  'status.plugin',
  'status.partition_name',
  'status.trigger',
  'status.prometheus',
];

/** The first OPA setting in `raw` that the shim does not support, as a dotted path; else undefined. */
export function findUnsupportedKey(raw: unknown): string | undefined {
  for (const pattern of UNSUPPORTED) {
    const found = find(raw, pattern.split('.'), []);
    if (found !== undefined) return found;
  }
  return undefined;
}

function find(
  node: unknown,
  pattern: readonly string[],
  at: readonly string[],
): string | undefined {
  const [head, ...rest] = pattern;
  if (head === undefined) return at.join('.');
  if (typeof node !== 'object' || node === null) return undefined;
  // `services` may be a list of `{name, …}` as well as a map.
  const entries: [string, unknown][] = Array.isArray(node)
    ? node.map((item, index) => [itemName(item) ?? String(index), item])
    : Object.entries(node);
  for (const [key, child] of entries) {
    if (head !== '*' && key !== head) continue;
    const found = find(child, rest, [...at, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function itemName(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const name = (item as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}
