import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FleetConfigError, type ServiceConfig } from '../config/fleet-config.js';

export interface ServiceRequest {
  readonly method: 'GET' | 'POST';
  /** Joined to the service URL as OPA does: `<url>/<resource>` with one slash between. */
  readonly resource: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Idle deadline (ms without a byte); default: the service's response header timeout. */
  readonly timeoutMs?: number;
  /** A larger response body is an error (default 256 MiB). */
  readonly maxResponseBytes?: number;
}

export interface ServiceResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ServiceClient {
  readonly service: ServiceConfig;
  /** Resolves with any HTTP status; rejects on network errors, timeouts and oversized bodies. */
  request(request: ServiceRequest): Promise<ServiceResponse>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** `<url>/<resource>`, as OPA joins them. */
export function serviceUrl(service: ServiceConfig, resource: string): URL {
  return new URL(`${service.url}/${resource.replace(/^\/+/, '')}`);
}

/**
 * A URL as logs, audit records and denial messages may show it: without user info and query,
 * which can carry credentials (presigned CDN or object-store URLs).
 */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * An HTTP client for one `services` entry: its headers, bearer token (a `token_path` is read on
 * every request, so a rotated token is used at once) and CA file. The CA file is read now, so a
 * missing one stops the shim at start-up.
 */
export function createServiceClient(service: ServiceConfig): ServiceClient {
  let ca: Buffer | undefined;
  if (service.caCertPath !== undefined) {
    try {
      ca = readFileSync(service.caCertPath);
    } catch (thrown) {
      throw new FleetConfigError(
        `Cannot read \`services.${service.name}.tls.ca_cert\` \`${service.caCertPath}\`: ${thrown instanceof Error ? thrown.message : String(thrown)}. Check the path.`,
      );
    }
  }
  return {
    service,
    async request(request) {
      const url = serviceUrl(service, request.resource);
      const headers: Record<string, string> = {
        'User-Agent': 'mcp-opa-shim',
        ...service.headers,
        ...(await authorization(service)),
        ...request.headers,
      };
      if (request.body !== undefined) headers['Content-Length'] = String(request.body.length);
      const timeoutMs = request.timeoutMs ?? service.responseHeaderTimeoutSeconds * 1000;
      const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      return send(url, request, headers, timeoutMs, limit, ca);
    },
  };
}

async function authorization(service: ServiceConfig): Promise<Record<string, string>> {
  const bearer = service.bearer;
  if (bearer === undefined) return {};
  let token = bearer.token;
  if (bearer.tokenPath !== undefined) {
    try {
      token = (await readFile(bearer.tokenPath, 'utf8')).trim();
    } catch (thrown) {
      throw new Error(
        `cannot read \`services.${service.name}.credentials.bearer.token_path\` \`${bearer.tokenPath}\`: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
        { cause: thrown },
      );
    }
  }
  return token === undefined ? {} : { Authorization: `${bearer.scheme} ${token}` };
}

function send(
  url: URL,
  request: ServiceRequest,
  headers: Record<string, string>,
  timeoutMs: number,
  limit: number,
  ca: Buffer | undefined,
): Promise<ServiceResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    const options = { method: request.method, headers, ...(ca === undefined ? {} : { ca }) };
    const req = url.protocol === 'https:' ? httpsRequest(url, options) : httpRequest(url, options);
    // An idle deadline (no byte for timeoutMs), like OPA's response header timeout; a long poll
    // passes its wait on top.
    req.setTimeout(timeoutMs, () => {
      fail(new Error(`${url.origin} sent nothing for ${String(timeoutMs)} ms`));
    });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          fail(new Error(`the response from ${displayUrl(url)} exceeds ${String(limit)} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('aborted', () => {
        fail(new Error(`the response from ${displayUrl(url)} was cut short`));
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(request.body);
  });
}
