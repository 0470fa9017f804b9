import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import type { ApprovalEvent, Auditor, FaultEvent } from '../../../src/audit/auditor.js';
import type { PolicyEngine } from '../../../src/core/decision.js';
import { loadEngine } from '../../../src/policy/load-engine.js';
import { startRelay, type Relay } from '../../../src/relay/start-relay.js';
import { secretSetFrom } from '../../../src/secrets/secret-set.js';
import { Session } from '../../../src/session/session.js';
import { tempDir, testConfig, testContext } from '../../input/helpers/input-fixtures.js';
import { CallCounters } from '../../../src/state/counters/call-counters.js';
import type { PinBook } from '../../../src/state/pins/pin-book.js';

type Message = Record<string, unknown>;

let engine: Promise<PolicyEngine> | undefined;

/** The shipped default policy, loaded once per test file. */
export function defaultPolicy(): Promise<PolicyEngine> {
  engine ??= loadEngine({
    policy: { kind: 'embedded' },
    dataFiles: [],
    entrypoint: 'mcp/decision',
    watch: false,
  });
  return engine;
}

/** A root directory with `notes.txt` in it; paths outside it are denied by the default policy. */
export function fileRoot(): string {
  const root = tempDir('mcp-opa-shim-relay-');
  mkdirSync(path.join(root, 'sub'));
  writeFileSync(path.join(root, 'notes.txt'), 'inside');
  return root;
}

/** Lines one end of the relay wrote, parsed as they arrive. */
class Lines {
  readonly messages: unknown[] = [];
  #buffered = '';
  #waiters: { test: (m: unknown) => boolean; resolve: () => void }[] = [];

  constructor(stream: PassThrough) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.#buffered += chunk;
      let newline;
      while ((newline = this.#buffered.indexOf('\n')) >= 0) {
        this.messages.push(JSON.parse(this.#buffered.slice(0, newline)));
        this.#buffered = this.#buffered.slice(newline + 1);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (!this.messages.some(waiter.test)) return true;
          waiter.resolve();
          return false;
        });
      }
    });
  }

  /** Every message, batch elements one by one. */
  get flat(): Message[] {
    return this.messages.flatMap((m) => (Array.isArray(m) ? m : [m])) as Message[];
  }

  ids(): unknown[] {
    return this.flat.map((m) => m.id);
  }

  waitFor(test: (m: Message) => boolean, timeoutMs = 5000): Promise<void> {
    const matches = (m: unknown) => (Array.isArray(m) ? m : [m]).some((x) => test(x as Message));
    if (this.messages.some(matches)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out; seen: ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      this.#waiters.push({
        test: matches,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** The real relay (startRelay) between in-memory pipes, the default policy and a recording auditor. */
export interface Harness {
  readonly relay: Relay;
  readonly session: Session;
  readonly toServer: Lines;
  readonly toClient: Lines;
  readonly faults: FaultEvent[];
  readonly approvals: ApprovalEvent[];
  readonly actions: string[];
  /** Writes lines as the client, in one chunk. */
  client(...messages: unknown[]): void;
  clientRaw(text: string): void;
  /** Writes lines as the server, in one chunk. */
  server(...messages: unknown[]): void;
  /** Lets the relay handle what was written (a few turns of the event loop). */
  settle(): Promise<void>;
}

export interface HarnessOptions {
  /** Instead of the default policy without data. */
  readonly policy?: PolicyEngine;
  /** The client's capabilities in `initialize` (default: sampling only). */
  readonly capabilities?: Record<string, unknown>;
  readonly approvalTimeoutMs?: number;
  /** Tool pins (off when absent), and how long a call waits for the shim's own listing. */
  readonly pins?: PinBook;
  readonly pinListingTimeoutMs?: number;
  /** Instead of the recording auditor (then `faults`, `approvals` and `actions` stay empty). */
  readonly auditor?: Auditor;
}

export async function startHarness(
  roots: readonly string[],
  protocolVersion = '2025-06-18',
  options: HarnessOptions = {},
): Promise<Harness> {
  const ends = {
    clientIn: new PassThrough(),
    clientOut: new PassThrough(),
    serverIn: new PassThrough(),
    serverOut: new PassThrough(),
  };
  const faults: FaultEvent[] = [];
  const approvals: ApprovalEvent[] = [];
  const actions: string[] = [];
  const auditor: Auditor = {
    record(event) {
      actions.push(
        `${event.action}:${event.input.message.method}:${String(event.input.message.id)}`,
      );
    },
    pin() {},
    fault(event) {
      faults.push(event);
    },
    approval(event) {
      approvals.push(event);
    },
    holdRecords() {},
    flushRecords() {},
    releaseRecords() {},
    close() {},
  };
  const session = new Session();
  const relay = startRelay(
    {
      session,
      policy: options.policy ?? (await defaultPolicy()),
      auditor: options.auditor ?? auditor,
      secrets: secretSetFrom(new Map()),
      inputContext: testContext({ roots: [...roots], args: [...roots] }),
      logger: pino({ level: 'silent' }),
      monitor: false,
      maxFrameBytesToServer: 1 << 20,
      maxFrameBytesToClient: 1 << 20,
      ...(options.approvalTimeoutMs === undefined
        ? {}
        : { approvalTimeoutMs: options.approvalTimeoutMs }),
      counters: new CallCounters(testConfig().stateDir, 'alice'),
      ...(options.pins === undefined ? {} : { pins: options.pins }),
      ...(options.pinListingTimeoutMs === undefined
        ? {}
        : { pinListingTimeoutMs: options.pinListingTimeoutMs }),
    },
    ends,
  );
  const harness: Harness = {
    relay,
    session,
    toServer: new Lines(ends.serverIn),
    toClient: new Lines(ends.clientOut),
    faults,
    approvals,
    actions,
    client: (...messages) => {
      ends.clientIn.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
    },
    clientRaw: (text) => ends.clientIn.write(text),
    server: (...messages) => {
      ends.serverOut.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
    },
    settle: async () => {
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
  harness.client({
    jsonrpc: '2.0',
    id: 'init',
    method: 'initialize',
    params: {
      protocolVersion,
      capabilities: options.capabilities ?? { sampling: {} },
      clientInfo: { name: 't', version: '1' },
    },
  });
  await harness.toServer.waitFor((m) => m.id === 'init');
  harness.server({
    jsonrpc: '2.0',
    id: 'init',
    result: { protocolVersion, capabilities: {}, serverInfo: { name: 's', version: '1' } },
  });
  await harness.toClient.waitFor((m) => m.id === 'init');
  return harness;
}

export const call = (id: unknown, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

export const answer = (id: unknown) => ({
  jsonrpc: '2.0',
  id,
  result: { content: [{ type: 'text', text: `done ${String(id)}` }] },
});
