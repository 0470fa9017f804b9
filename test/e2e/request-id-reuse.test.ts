import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonProtocolLines, ShimProcess } from '../helpers/shim-process.js';
import { tempDir } from '../input/helpers/input-fixtures.js';
import { assertShimBuilt, everythingServer, policiesDir, shimMain } from './helpers/paths.js';

/**
 * Finding 3 of issue 10: a second request with an id still pending must not take over the
 * first one's entry. Here the first is a `tools/list` the policy filters (it hides `get-env`),
 * the second a `ping` with the same id, spelled as the server's JSON.parse reads it. Raw lines:
 * an SDK client never sends a pending id twice.
 */
const HIDDEN = 'get-env';

let dir: string;
let auditLog: string;
let shim: ShimProcess;

beforeAll(async () => {
  assertShimBuilt();
  dir = tempDir('mcp-opa-shim-ids-');
  auditLog = path.join(dir, 'audit.jsonl');
  shim = new ShimProcess(
    [
      '--policy',
      path.join(policiesDir, 'hide-get-env.rego'),
      '--audit-log',
      auditLog,
      '--log-level',
      'silent',
      '--',
      process.execPath,
      everythingServer,
      'stdio',
    ],
    { main: shimMain },
  );
  await shim.initialize();
});

afterAll(async () => {
  await shim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** [the list's id as JSON, the duplicate's id spelled differently, the decoded id]. */
const SPELLINGS: readonly [string, string, string | number][] = [
  ['7', '7', 7],
  ['8', '8.0', 8],
  ['9', '9e0', 9],
  ['10', '1.0E1', 10],
  ['"11"', '"\\u0031\\u0031"', '11'],
];

describe('request-id reuse', () => {
  it.each(SPELLINGS)(
    'a ping reusing the pending tools/list id %s (as %s) is refused and the list stays filtered',
    async (listId, duplicateId, decoded) => {
      const before = shim.stdoutLines.length;
      const answers = () => shim.stdoutLines.slice(before).join('\n');
      const listed = shim.waitFor((m) => m.id === decoded && 'result' in m);
      const refused = shim.waitFor((m) => m.id === decoded && 'error' in m);
      shim.sendRaw(
        `{"jsonrpc":"2.0","id":${listId},"method":"tools/list"}\n` +
          `{"jsonrpc":"2.0","id":${duplicateId},"method":"ping"}\n`,
      );
      const list = await listed;
      const names = (list.result as { tools: { name: string }[] }).tools.map((t) => t.name);
      expect(names).toContain('echo');
      expect(names).not.toContain(HIDDEN);
      const error = await refused;
      expect(error.error).toMatchObject({ code: -32600 });
      expect((error.error as { message: string }).message).toMatch(/already used by a pending/);
      // Nothing else answered this id, and no line on stdout names the hidden tool.
      await shim.request('ping');
      expect(answers()).not.toContain(`"${HIDDEN}"`);
      expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
    },
  );

  it('audits each refusal as denied, and never records the refused ping as forwarded', async () => {
    // Its own id: the helper's next number is 7, whose earlier answers are already on stdout.
    const done = shim.waitFor((m) => m.id === 'last' && 'result' in m);
    shim.send({ jsonrpc: '2.0', id: 'last', method: 'ping' });
    await done;
    const records = readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const refusals = records.filter((r) => r.fault === 'duplicate_id');
    expect(refusals).toHaveLength(SPELLINGS.length);
    for (const refusal of refusals) expect(refusal.action).toBe('denied');
    // Pings judged: the helper's own (one per case plus this one), none of the refused ones.
    const pings = records.filter(
      (r) => r.type === 'decision' && JSON.stringify(r.input).includes('"method":"ping"'),
    );
    expect(pings).toHaveLength(SPELLINGS.length + 1);
    expect(records.some((r) => r.fault === 'unexpected_response')).toBe(false);
  });
});
