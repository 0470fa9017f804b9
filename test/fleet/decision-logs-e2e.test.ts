import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, ShimProcess } from '../helpers/shim-process.js';
import { Collector, collectorConfig, eventually, cleanUp } from './decision-logs-collector.js';

const run = promisify(execFile);
const SECRET = 'ghp_9dF3kLm2QrT7vWx1Yz4Ab6Cd8Ef0Gh2Ij4K';

interface Event {
  decision_id: string;
  input: { message: { method?: string }; arguments?: Record<string, unknown> } | null;
  action: string;
}

/** The built shim with `--config`, in front of the echo fixture server, uploading to nginx. */
describe('a shim started with --config', () => {
  let collector: Collector;
  let shim: ShimProcess;
  let dir: string;
  let configPath: string;
  let statusWhileRunning = '';

  const events = (): Event[] => collector.events<Event>();

  beforeAll(async () => {
    collector = await Collector.start();
    dir = mkdtempSync(join(tmpdir(), 'fleet-e2e-'));
    configPath = join(dir, 'fleet.yaml');
    writeFileSync(configPath, collectorConfig(collector.url, { labels: true }));
    shim = new ShimProcess(
      [
        '--config',
        configPath,
        '--audit-log',
        join(dir, 'audit.jsonl'),
        '--',
        process.execPath,
        join(FIXTURES, 'echo-server.mjs'),
      ],
      { env: { GITHUB_TOKEN: SECRET, XDG_STATE_HOME: join(dir, 'state') } },
    );
    await shim.initialize();
    const reply = await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: `my token is ${SECRET}` },
    });
    expect(reply).toHaveProperty('result');
    await eventually(
      () =>
        events().some((event) => event.input?.message.method === 'tools/call') ? true : undefined,
      15_000,
      'the tools/call event at the collector',
    );
    statusWhileRunning = (
      await run(process.execPath, [BIN, 'status', '--config', configPath], {
        env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') },
      })
    ).stdout;
    await shim.close();
  });

  afterAll(async () => {
    await cleanUp(
      () => shim.close(),
      () => collector.dispose(),
    );
  });

  it('uploads one event per audited decision, with the same decision ids', () => {
    const audited = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"type":"decision"'))
      .map((line) => (JSON.parse(line) as { decision_id: string }).decision_id);
    expect(audited.length).toBeGreaterThanOrEqual(3);
    // The last upload attempt at exit sends what was still buffered.
    expect(events().map((event) => event.decision_id)).toEqual(audited);
  });

  it('never uploads the secret from the tool argument', () => {
    const call = events().find((event) => event.input?.message.method === 'tools/call');
    expect(call?.input?.arguments).toEqual({ text: 'my token is [redacted:GITHUB_TOKEN]' });
    for (const request of collector.requests()) {
      const plain = request.encoding === 'gzip' ? gunzipSync(request.raw) : request.raw;
      expect(plain.includes(Buffer.from(SECRET))).toBe(false);
      expect(request.raw.includes(Buffer.from(SECRET))).toBe(false);
    }
    for (const entry of readdirSync(collector.dir, { recursive: true, withFileTypes: true }))
      if (entry.isFile())
        expect(readFileSync(join(entry.parentPath, entry.name)).includes(Buffer.from(SECRET))).toBe(
          false,
        );
  });

  it('sends status reports and keeps stdout for the protocol', () => {
    expect(collector.requests().some((request) => request.uri === '/status')).toBe(true);
    for (const line of shim.stdoutLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(shim.stdoutLines.join('\n')).not.toContain('Decision Log');
  });

  it('is shown by `mcp-opa-shim status` while it runs', () => {
    expect(statusWhileRunning).toContain(`decision_logs: ${collector.url}/logs`);
    expect(statusWhileRunning).toMatch(/pid \d+ running, server /);
  });
});
