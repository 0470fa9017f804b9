import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { testEnv } from './launch.js';
import { assertShimBuilt, modernServer, repoRoot, shimMain } from './paths.js';

/**
 * What the human does with the shim's form; `hang` never answers; `throws` makes the client's
 * elicitation handler fail (the SDK then answers with a JSON-RPC error, or gives up the call);
 * `first` runs before the answer (the policy is changed while the form is open).
 */
export type Human =
  | 'approve_once'
  | 'approve_session'
  | 'deny'
  | 'decline'
  | 'cancel'
  | 'hang'
  | { readonly lateMs: number; readonly then: 'approve_once' }
  | { readonly throws: string }
  | { readonly first: () => Promise<void>; readonly then: Human };

export interface AskedForm {
  readonly message: string;
  readonly requestedSchema: unknown;
}

export interface ApprovalRun {
  readonly dir: string;
  readonly auditLog: string;
  /** Lines the (legacy) recording server read; empty for the modern fixture. */
  serverLines(): string[];
  auditRecords(): Record<string, unknown>[];
  /** The shim's stderr so far (the client's transport pipes it here). */
  stderr(): string;
  noteStderr(chunk: string): void;
  /** Rewrites the `--data` file and resolves once the shim logged that it reloaded it. */
  reloadData(data: unknown): Promise<void>;
}

const RELOADED = 'policy reloaded';

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

const RECORDING_SERVER = join(repoRoot, 'test/fixtures/recording-server.mjs');

/** The shim with the default policy, `echo` needing approval, an audit log, a short timeout. */
export function approvalRun(): ApprovalRun {
  assertShimBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-approval-'));
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ approval: { tools: ['echo'] } }));
  const record = join(dir, 'server-lines');
  const auditLog = join(dir, 'audit.jsonl');
  let stderr = '';
  return {
    dir,
    auditLog,
    stderr: () => stderr,
    noteStderr: (chunk) => {
      stderr += chunk;
    },
    reloadData: async (data) => {
      const before = occurrences(stderr, RELOADED);
      writeFileSync(join(dir, 'data.json'), JSON.stringify(data));
      for (let waited = 0; occurrences(stderr, RELOADED) === before; waited += 50) {
        if (waited > 15_000)
          throw new Error(`the shim did not reload ${dir}/data.json within 15 s:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    serverLines: () =>
      existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : [],
    auditRecords: () =>
      readFileSync(auditLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

function shimSpec(run: ApprovalRun, era: 'legacy' | 'modern', timeoutSeconds: number) {
  const server = era === 'legacy' ? [RECORDING_SERVER] : [modernServer];
  return {
    command: process.execPath,
    args: [
      shimMain,
      '--data',
      join(run.dir, 'data.json'),
      '--audit-log',
      run.auditLog,
      '--approval-timeout',
      String(timeoutSeconds),
      '--',
      process.execPath,
      ...server,
    ],
    env: { ...testEnv(), RECORD_FILE: join(run.dir, 'server-lines') },
    stderr: 'pipe' as const,
  };
}

async function answerAs(human: Human): Promise<Record<string, unknown>> {
  if (human === 'hang') return new Promise(() => undefined);
  if (typeof human === 'object') {
    if ('throws' in human) throw new Error(human.throws);
    if ('first' in human) {
      await human.first();
      return answerAs(human.then);
    }
    await new Promise((resolve) => setTimeout(resolve, human.lateMs));
    return { action: 'accept', content: { decision: human.then } };
  }
  if (human === 'decline' || human === 'cancel') return { action: human };
  return { action: 'accept', content: { decision: human } };
}

export interface ApprovalClient {
  readonly forms: AskedForm[];
  /** The tool result's text and isError. */
  callEcho(text: string): Promise<{ text: string; isError: boolean }>;
  /**
   * 2026-07-28 only, by hand (`allowInputRequired`): calls echo, takes the shim's question and
   * retries with `answer` under its key, whatever shape `answer` has.
   */
  retryEchoWith(text: string, answer: unknown): Promise<{ text: string; isError: boolean }>;
  close(): Promise<void>;
}

function outcome(result: unknown): { text: string; isError: boolean } {
  const { content, isError } = result as { content?: { text?: string }[]; isError?: boolean };
  return {
    text: content?.map((part) => part.text ?? '').join('') ?? '',
    isError: isError === true,
  };
}

/** The SDK v1 client over the legacy era, with (or without) the elicitation capability. */
export async function v1Client(
  run: ApprovalRun,
  humans: Human[],
  options: { elicitation?: boolean; timeoutSeconds?: number } = {},
): Promise<ApprovalClient> {
  const forms: AskedForm[] = [];
  const client = new ClientV1(
    { name: 'approval-v1', version: '1.0.0' },
    { capabilities: options.elicitation === false ? {} : { elicitation: { form: {} } } },
  );
  if (options.elicitation !== false) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      forms.push(request.params as unknown as AskedForm);
      return answerAs(humans.shift() ?? 'deny');
    });
  }
  const transport = new StdioV1(shimSpec(run, 'legacy', options.timeoutSeconds ?? 30));
  transport.stderr?.on('data', (chunk: Buffer) => {
    run.noteStderr(chunk.toString('utf8'));
  });
  await client.connect(transport);
  return {
    forms,
    callEcho: async (text) =>
      outcome(
        await client.callTool({ name: 'echo', arguments: { text } }, undefined, {
          timeout: 20_000,
        }),
      ),
    retryEchoWith: () => Promise.reject(new Error('retryEchoWith is for the 2026-07-28 era')),
    close: () => client.close(),
  };
}

/** The v2 client (`@modelcontextprotocol/client`): 2026-07-28 against the modern fixture, or legacy. */
export async function v2Client(
  run: ApprovalRun,
  humans: Human[],
  options: { elicitation?: boolean; timeoutSeconds?: number; era?: 'legacy' | 'modern' } = {},
): Promise<ApprovalClient> {
  const forms: AskedForm[] = [];
  const era = options.era ?? 'modern';
  const client = new ClientV2(
    { name: 'approval-v2', version: '2.0.0' },
    {
      capabilities: options.elicitation === false ? {} : { elicitation: { form: {} } },
      versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'auto' },
    },
  );
  if (options.elicitation !== false) {
    client.setRequestHandler('elicitation/create', (request) => {
      forms.push(request.params as unknown as AskedForm);
      return answerAs(humans.shift() ?? 'deny') as never;
    });
  }
  const transport = new StdioV2(shimSpec(run, era, options.timeoutSeconds ?? 30));
  transport.stderr?.on('data', (chunk: Buffer) => {
    run.noteStderr(chunk.toString('utf8'));
  });
  await client.connect(transport);
  return {
    forms,
    callEcho: async (text) =>
      outcome(
        await client.callTool(
          { name: 'echo', arguments: era === 'modern' ? { message: text } : { text } },
          { timeout: 20_000 },
        ),
      ),
    retryEchoWith: async (text, answer) => {
      if (era !== 'modern') throw new Error('retryEchoWith is for the 2026-07-28 era');
      const call = { name: 'echo', arguments: { message: text } };
      const asked = (await client.callTool(call, {
        timeout: 20_000,
        allowInputRequired: true,
      })) as { inputRequests?: Record<string, unknown> };
      const [key] = Object.keys(asked.inputRequests ?? {});
      if (key === undefined)
        throw new Error(`expected input_required, got ${JSON.stringify(asked)}`);
      const retry = { ...call, inputResponses: { [key]: answer } };
      return outcome(await client.callTool(retry, { timeout: 20_000 }));
    },
    close: () => client.close(),
  };
}

/** The `tools/call`s the shim forwarded with `text` in their arguments, from its audit log. */
export function forwarded(run: ApprovalRun, text: string): number {
  return run
    .auditRecords()
    .filter(
      (record) =>
        record.type === 'decision' &&
        record.action === 'forwarded' &&
        JSON.stringify(record.input).includes('"tools/call"') &&
        JSON.stringify(record.input).includes(text),
    ).length;
}
