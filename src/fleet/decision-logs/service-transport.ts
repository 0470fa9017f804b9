/**
 * How the decision-log and status reporters reach a service: one POST, answered with an HTTP
 * status. Local interface so the reporters do not depend on how the service client is built
 * (URL, headers, bearer token, TLS CA come from the `services` entry of `--config`).
 */
export interface ServiceTransport {
  /** Resolves with the HTTP status; rejects on a network error or timeout. */
  post(resource: string, body: Buffer, headers: Readonly<Record<string, string>>): Promise<number>;
  /** For `status` and error messages: the service URL, without credentials. */
  readonly url: string;
}

export interface FetchTransportOptions {
  readonly url: string;
  /** Sent with every request (e.g. `Authorization`); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** A transport on Node's `fetch`, for services without TLS client settings. */
export function fetchTransport(options: FetchTransportOptions): ServiceTransport {
  const base = options.url.replace(/\/+$/, '');
  return {
    url: base,
    async post(resource, body, headers) {
      const path = resource.startsWith('/') ? resource : `/${resource}`;
      const response = await fetch(base + path, {
        method: 'POST',
        headers: { ...options.headers, ...headers },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    },
  };
}
