import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, ShimProcess } from '../../helpers/shim-process.js';

type Message = Record<string, unknown>;

export const CATALOG_SERVER = join(REPO, 'test/policy-e2e/fixtures/catalog-server.mjs');
export const EVERYTHING_SERVER = join(
  REPO,
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
export const MEMORY_SERVER = join(
  REPO,
  'node_modules/@modelcontextprotocol/server-memory/dist/index.js',
);

/** A node script as the wrapped server's command line. */
export function nodeCommand(script: string, ...args: string[]): string[] {
  return [process.execPath, script, ...args];
}

export interface PolicyShimOptions {
  /** The default policy's data, written to `data.json` and passed with `--data`. */
  readonly data?: unknown;
  /** Shim options before `--`: `--principal`, `--server-id`, `--mode`… */
  readonly args?: readonly string[];
  readonly server: readonly string[];
  readonly env?: Record<string, string | undefined>;
}

/** A shim with the default (embedded) policy, its data file and audit log in a fresh directory. */
export class PolicyShim {
  readonly dir = mkdtempSync(join(tmpdir(), 'policy-e2e-'));
  readonly dataPath = join(this.dir, 'data.json');
  readonly auditPath = join(this.dir, 'audit.jsonl');
  readonly process: ShimProcess;

  constructor(options: PolicyShimOptions) {
    const dataArgs = options.data === undefined ? [] : ['--data', this.dataPath];
    if (options.data !== undefined) this.writeData(options.data);
    this.process = new ShimProcess(
      [
        ...dataArgs,
        '--audit-log',
        this.auditPath,
        ...(options.args ?? []),
        '--',
        ...options.server,
      ],
      options.env === undefined ? {} : { env: options.env },
    );
  }

  writeData(data: unknown): void {
    writeFileSync(this.dataPath, `${JSON.stringify(data, null, 2)}\n`);
  }

  /** initialize + notifications/initialized; returns the initialize result. */
  async initialize(capabilities: Message = {}): Promise<Message> {
    const reply = await this.process.initialize('2025-06-18', capabilities);
    return reply.result as Message;
  }

  /** The whole `initialize` reply, error included, for a session the policy refuses. */
  initializeReply(): Promise<Message> {
    return this.process.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'policy-e2e', version: '1.0.0' },
    });
  }

  request(method: string, params?: Message): Promise<Message> {
    return this.process.request(method, params);
  }

  /** Every tool name the client is shown, following `nextCursor` page by page. */
  async listToolNames(): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const reply = await this.request('tools/list', cursor === undefined ? {} : { cursor });
      const result = reply.result as { tools: { name: string }[]; nextCursor?: string };
      names.push(...result.tools.map((tool) => tool.name));
      cursor = result.nextCursor;
    } while (cursor !== undefined);
    return names;
  }

  callTool(name: string, args: Message = {}): Promise<Message> {
    return this.request('tools/call', { name, arguments: args });
  }

  /** The decision records of the audit log so far. */
  auditDecisions(): AuditDecision[] {
    return readFileSync(this.auditPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditDecision)
      .filter((record) => record.type === 'decision');
  }

  async close(): Promise<void> {
    await this.process.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface AuditDecision {
  readonly type: string;
  readonly action: string;
  readonly input: {
    readonly message: { readonly method: string };
    readonly operation: { readonly name?: string; readonly listing: boolean };
  } | null;
  readonly result: {
    readonly allow: boolean;
    readonly reasons?: string[];
    readonly message?: string;
    readonly internal_message?: string;
  } | null;
}

/** The text of a `tools/call` result (its first text content), or its JSON-RPC error. */
export function toolOutcome(
  reply: Message,
): { isError: boolean; text: string } | { error: Message } {
  if (reply.error !== undefined) return { error: reply.error as Message };
  const result = reply.result as { content?: { type: string; text?: string }[]; isError?: boolean };
  const text = (result.content ?? []).map((item) => item.text ?? '').join('\n');
  return { isError: result.isError === true, text };
}
