/**
 * How the decision-log and status reporters reach a service: one POST, answered with an HTTP
 * status. The shim's one is the shared service client (URL, headers, bearer token, TLS CA from
 * the `services` entry of `--config`), adapted in reporting-options.ts.
 */
export interface ServiceTransport {
  /** Resolves with the HTTP status; rejects on a network error or timeout. */
  post(resource: string, body: Buffer, headers: Readonly<Record<string, string>>): Promise<number>;
  /** For `status` and error messages: the service URL, without credentials. */
  readonly url: string;
}
