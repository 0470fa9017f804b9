/**
 * What `policies/deny-marked.rego` denies, applied to the value the server's own (SDK) parser
 * read. A message the server parsed and this says is marked must never have reached the server.
 */
export function isMarked(message: unknown): boolean {
  if (message === null || typeof message !== 'object') return false;
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (method === 'danger/method') return true;
  if (method !== 'tools/call' || params === null || typeof params !== 'object') return false;
  const { name, arguments: args } = params as { name?: unknown; arguments?: unknown };
  if (name === 'danger') return true;
  return args !== null && typeof args === 'object' && (args as { cmd?: unknown }).cmd === 'rm';
}
