import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Auditor, FaultEvent } from '../../src/audit/auditor.js';
import { FrameSplitter, type Frame, type RawFrame } from '../../src/framing/frame-splitter.js';
import type { JsonRpcId } from '../../src/core/json-rpc.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { loadEngine } from '../../src/policy/load-engine.js';
import type { RelayContext } from '../../src/relay/relay-context.js';
import { refuseOversizeServerFrame, relayServerLine } from '../../src/relay/server-messages.js';
import { relayServerFrames } from '../../src/relay/server-to-client.js';
import { secretSetFrom } from '../../src/secrets/secret-set.js';
import { Session, type PendingRequest } from '../../src/session/session.js';
import { randomInt, seededRandom } from '../framing/seeded-random.js';
import { testConfig, testContext } from '../input/helpers/input-fixtures.js';
import { CallCounters } from '../../src/state/counters/call-counters.js';

const MAX_FRAME_BYTES = 2048;
const SECRET = 'sk-live-ABCDEFGH1234';
const PENDING: [JsonRpcId, PendingRequest][] = [
  [1, { method: 'tools/call', params: { name: 'echo' } }],
  [2, { method: 'tools/call', params: { name: 'echo' } }],
  [3, { method: 'resources/read', params: { uri: 'file:///a' } }],
  [4, { method: 'tools/list', params: {} }],
  [5, { method: 'initialize', params: {} }],
  [6, { method: 'server/discover', params: {} }],
  [7, { method: 'prompts/list', params: {} }],
  ['s1', { method: 'tools/call', params: { name: 'echo' } }],
  ['s2', { method: 'ping', params: undefined }],
  ['int', { method: 'tools/list', params: {}, internal: true }],
];

/** One relay's observable behaviour: bytes to each peer, faults, audit actions, session state. */
interface Observed {
  client: string;
  server: string;
  faults: FaultEvent[];
  actions: string[];
  pending: JsonRpcId[];
  protocolVersion: string | undefined;
  serverInfo: unknown;
  catalog: boolean;
  bytesWrites: number;
}

function relayFor(policy: PolicyEngine, observed: Observed): RelayContext {
  const session = new Session();
  for (const [id, pending] of PENDING) session.forwardedToServer(id, pending);
  const auditor: Auditor = {
    record(event) {
      observed.actions.push(`${event.action}:${event.input.operation.type}`);
    },
    fault(event) {
      observed.faults.push(event);
    },
    approval() {},
    pin() {},
    holdRecords() {},
    flushRecords() {},
    releaseRecords() {},
    close() {},
  };
  return {
    session,
    policy,
    auditor,
    secrets: secretSetFrom(new Map([[SECRET, 'API_TOKEN']])),
    inputContext: testContext(),
    logger: pino({ level: 'silent' }),
    monitor: false,
    maxFrameBytesToServer: MAX_FRAME_BYTES,
    maxFrameBytesToClient: MAX_FRAME_BYTES,
    counters: new CallCounters(testConfig().stateDir, 'alice'),
    toClient: { send: (line) => void (observed.client += line + '\n') },
    toServer: { send: (line) => void (observed.server += line + '\n') },
  };
}

function observe(context: RelayContext, observed: Observed): Observed {
  const { session } = context;
  return {
    ...observed,
    // The shim numbers its own catalog requests process-wide; the arms only differ in that.
    server: observed.server.replace(/mcp-opa-shim:catalog:[\w-]+:\d+/g, 'mcp-opa-shim:catalog:N'),
    pending: session.pendingToServerIds(),
    protocolVersion: session.protocolVersion,
    serverInfo: session.serverInfo,
    catalog: session.catalog.get('listed_tool') !== undefined,
  };
}

const empty = (): Observed => ({
  client: '',
  server: '',
  faults: [],
  actions: [],
  pending: [],
  protocolVersion: undefined,
  serverInfo: undefined,
  catalog: false,
  bytesWrites: 0,
});

/** The reference: every frame decoded and parsed (relayServerLine), as before the fast path. */
async function slowPath(policy: PolicyEngine, chunks: Buffer[]): Promise<Observed> {
  const observed = empty();
  const context = relayFor(policy, observed);
  const splitter = new FrameSplitter({ maxFrameBytes: MAX_FRAME_BYTES });
  const frames: Frame[] = [];
  for (const chunk of chunks) splitter.push(chunk, frames);
  splitter.end(frames);
  for (const frame of frames) {
    if (frame.kind === 'line') await relayServerLine(context, frame.text);
    else await refuseOversizeServerFrame(context, frame);
  }
  return observe(context, observed);
}

async function fastPath(policy: PolicyEngine, chunks: Buffer[]): Promise<Observed> {
  const observed = empty();
  const context = relayFor(policy, observed);
  const bytesToClient = {
    send(bytes: Buffer) {
      observed.bytesWrites++;
      observed.client += bytes.toString('utf8');
      return undefined;
    },
  };
  const splitter = new FrameSplitter({ maxFrameBytes: MAX_FRAME_BYTES });
  for (const chunk of chunks) {
    const frames: RawFrame[] = [];
    splitter.pushBytes(chunk, frames);
    await relayServerFrames(context, frames, bytesToClient);
  }
  const last: RawFrame[] = [];
  splitter.endBytes(last);
  await relayServerFrames(context, last, bytesToClient);
  return observe(context, observed);
}

const ids = ['1', '2', '3', '4', '5', '6', '7', '"s1"', '"s2"', '"int"', '99', '"s\\u0031"', '1.0'];
const results = [
  '{"content":[{"type":"text","text":"hi"}]}',
  '{"content":[{"type":"text","text":"' + SECRET + '"}]}',
  '{"protocolVersion":"2025-06-18","serverInfo":{"name":"srv","version":"1"}}',
  '{"tools":[{"name":"listed_tool","inputSchema":{"type":"object"}}]}',
  '{"resultType":"input_required","inputRequests":{"k":{"method":"elicitation/create","params":{"message":"?"}}}}',
  '{"resultType":"complete","content":[]}',
  '{"resultType":"input_required","resultType":"complete"}',
  '[]',
];
const messages = [
  () => '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"é😀"}}',
  () => '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1}}',
  () => '{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}',
  () => '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"' + SECRET + '"}}',
  (r: () => number) => `{"jsonrpc":"2.0","id":${pick(r, ids)},"result":${pick(r, results)}}`,
  (r: () => number) =>
    `{"jsonrpc":"2.0","id":${pick(r, ids)},"error":{"code":-32000,"message":"no"}}`,
  (r: () => number) => `{"jsonrpc":"2.0","id":${pick(r, ids)},"error":{"code":"x","message":"no"}}`,
  (r: () => number) => `{"id":${pick(r, ids)},"jsonrpc":"2.0","id":${pick(r, ids)},"result":{}}`,
  (r: () => number) => `{"jsonrpc":"2.0","id":${pick(r, ids)},"result":{}} trailing`,
  () => '{"jsonrpc":"2.0","id":"srv-1","method":"ping"}',
  () => '{"jsonrpc":"2.0","id":"srv-2","method":"roots/list"}',
  () => '[{"jsonrpc":"2.0","method":"notifications/message"}]',
  () => 'not json',
  () => '{"jsonrpc":"2.0","method":"x","params":"' + 'p'.repeat(MAX_FRAME_BYTES) + '"}',
  () => '{"jsonrpc":"2.0","method":"notifications/message","params":{"a":"\\ud800"}}',
  () => '\ufeff{"jsonrpc":"2.0","method":"notifications/message"}',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[randomInt(random, items.length)];
  if (item === undefined) throw new Error('empty choice');
  return item;
}

/** A server's stdout: random messages, line endings, blank lines and a stray invalid byte. */
function serverOutput(random: () => number): Buffer {
  const parts: Buffer[] = [];
  for (let n = 0; n < 40; n++) {
    parts.push(Buffer.from(pick(random, messages)(random)));
    if (random() < 0.05) parts.push(Buffer.from([0xff]));
    parts.push(Buffer.from(pick(random, ['\n', '\n', '\n', '\r\n', '\n\n'])));
  }
  return Buffer.concat(parts);
}

function chunked(random: () => number, bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + randomInt(random, random() < 0.3 ? 50 : 3000);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('server → client fast path', () => {
  let policy: PolicyEngine;
  beforeAll(async () => {
    policy = await loadEngine({
      policy: { kind: 'embedded' },
      dataFiles: [],
      entrypoint: 'mcp/decision',
      watch: false,
    });
  });

  it('behaves exactly as the slow path: same bytes to both peers, faults, audits and session', async () => {
    const random = seededRandom(0xfa57);
    let fastWrites = 0;
    for (let round = 0; round < 150; round++) {
      const chunks = chunked(random, serverOutput(random));
      const slow = await slowPath(policy, chunks);
      const fast = await fastPath(policy, chunks);
      fastWrites += fast.bytesWrites;
      expect({ ...fast, bytesWrites: 0 }, `round ${round}`).toEqual(slow);
    }
    // The comparison means something only if the fast path was taken.
    expect(fastWrites).toBeGreaterThan(100);
  });

  it('writes a run of frames from one chunk with one write, in order around a judged frame', async () => {
    const notification = (n: number) =>
      `{"jsonrpc":"2.0","method":"notifications/message","params":{"data":${n}}}\n`;
    const chunk = Buffer.from(
      notification(1) +
        notification(2) +
        '{"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n' +
        '{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n' +
        notification(3),
    );
    const fast = await fastPath(policy, [chunk]);
    expect(fast.client).toBe(chunk.toString('utf8'));
    // notifications 1, 2 and the response; list_changed (slow path); notification 3.
    expect(fast.bytesWrites).toBe(2);
    expect(fast.server).toMatch(/"method":"tools\/list"/);
    expect(fast.pending).not.toContain(1);
  });

  it('leaves to the slow path the answers it must judge, observe or consume', async () => {
    const frames = [
      '{"jsonrpc":"2.0","id":4,"result":{"tools":[{"name":"listed_tool","inputSchema":{"type":"object"}}]}}',
      '{"jsonrpc":"2.0","id":5,"result":{"protocolVersion":"2025-06-18","serverInfo":{"name":"srv"}}}',
      '{"jsonrpc":"2.0","id":"int","result":{"tools":[]}}',
      '{"jsonrpc":"2.0","id":99,"result":{}}',
    ];
    const fast = await fastPath(policy, [Buffer.from(frames.join('\n') + '\n')]);
    expect(fast.bytesWrites).toBe(0);
    expect(fast.catalog).toBe(true);
    expect(fast.protocolVersion).toBe('2025-06-18');
    expect(fast.client).not.toContain('"int"');
    expect(fast.faults.map((f) => f.fault)).toEqual(['unexpected_response']);
  });

  it('scrubs a secret in a frame that would otherwise pass unjudged', async () => {
    const fast = await fastPath(policy, [
      Buffer.from(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"text":"${SECRET}"}]}}\n`),
    ]);
    expect(fast.client).not.toContain(SECRET);
    expect(fast.client).toContain('[redacted:API_TOKEN]');
    expect(fast.faults.map((f) => f.fault)).toEqual(['secret_in_output']);
  });
});
