import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCall } from '../audit/helpers/inputs.js';
import { Collector, collectorConfig, eventually, cleanUp } from './decision-logs-collector.js';
import { startShimReporting, type ShimReporting } from './decision-logs-shim.js';

const SECRET = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

const config = (url: string): string => collectorConfig(url, { console: true });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('secrets and decision-log upload', () => {
  let collector: Collector;
  let shim: ShimReporting;

  beforeAll(async () => {
    collector = await Collector.start();
    shim = await startShimReporting(config(collector.url), { env: { GITHUB_TOKEN: SECRET } });
    // Defence in depth: an input that still holds the secret, raw and JSON-escaped.
    const escaped = `\\u0067${SECRET.slice(1)}`;
    shim.judge(
      toolCall(
        'write_file',
        { path: '/srv/projects/a.txt', content: `token=${SECRET}`, note: escaped },
        ['/srv/projects/a.txt'],
      ),
    );
    await eventually(
      () =>
        collector.uploads().length > 0 && shim.reporting.status.accepted >= 2 ? true : undefined,
      15_000,
      'an upload and status reports',
    );
    await shim.close();
  });

  afterAll(async () => {
    await cleanUp(
      () => shim.close(),
      () => collector.dispose(),
    );
  });

  it('never sends the secret in any uploaded byte, compressed or not', () => {
    const requests = collector.requests();
    expect(requests.some((request) => request.uri === '/logs')).toBe(true);
    expect(requests.some((request) => request.uri === '/status')).toBe(true);
    for (const request of requests) {
      const plain = request.encoding === 'gzip' ? gunzipSync(request.raw) : request.raw;
      expect(plain.toString('utf8')).not.toContain(SECRET);
      expect(plain.toString('utf8')).not.toContain(SECRET.slice(4));
      expect(request.raw.includes(Buffer.from(SECRET))).toBe(false);
    }
    for (const file of filesUnder(collector.dir))
      expect(readFileSync(file).includes(Buffer.from(SECRET.slice(4))), file).toBe(false);
  });

  it('sends the event with the secret replaced, so the check above saw the argument', () => {
    const events = collector.events<{ input: { arguments: Record<string, string> } }>();
    expect(events).toHaveLength(1);
    expect(events[0]!.input.arguments['content']).toBe('token=[redacted:GITHUB_TOKEN]');
  });

  it('keeps it out of the console lines (stderr) and the state file', () => {
    const console = shim.stderr.join('');
    expect(console).toContain('"msg":"Decision Log"');
    expect(console).toContain('"msg":"Status Log"');
    expect(console).not.toContain(SECRET.slice(4));
    for (const file of filesUnder(shim.stateDir))
      expect(readFileSync(file, 'utf8')).not.toContain(SECRET.slice(4));
    expect(filesUnder(shim.stateDir)).toHaveLength(1);
  });
});
