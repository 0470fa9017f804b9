import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCall } from '../audit/helpers/inputs.js';
import type { Collector, OpaServer } from './decision-logs-collector.js';
import { eventually } from './decision-logs-collector.js';
import { startSideBySide, type ShimReporting, type SideBySide } from './decision-logs-shim.js';

type Event = Record<string, unknown> & { labels: Record<string, string> };

const eventsFrom = (collector: Collector, agentId: string): Event[] =>
  collector.events<Event>().filter((event) => event.labels['id'] === agentId);

describe('decision-log batches from the shim and from OPA', () => {
  let collector: Collector;
  let opa: OpaServer;
  let shim: ShimReporting;
  let sides: SideBySide | undefined;
  let opaId: string;

  beforeAll(async () => {
    sides = await startSideBySide();
    ({ collector, opa, shim } = sides);
    const input = toolCall(
      'read_file',
      { path: '/srv/projects/a.txt', password: 'hunter2hunter2' },
      ['/srv/projects/a.txt'],
    );
    const answer = await opa.query('mcp/decision', input);
    expect(answer.decision_id).toBeTypeOf('string');
    shim.judge(input);
    opaId = await eventually(
      () =>
        collector.events<Event>().find((event) => event.decision_id === answer.decision_id)?.labels[
          'id'
        ],
      15_000,
      "OPA's decision-log upload",
    );
    await eventually(
      () =>
        eventsFrom(collector, shim.reporting.labels['id'] ?? '').length > 0 ? true : undefined,
      15_000,
      "the shim's decision-log upload",
    );
  });

  afterAll(async () => {
    await sides?.dispose();
  });

  it('posts gzipped JSON arrays to /logs, as OPA does', () => {
    const uploads = collector.uploads();
    const fromShim = uploads.filter((request) =>
      (request.json as Event[]).some((event) => event.labels['id'] === shim.reporting.labels['id']),
    );
    const fromOpa = uploads.filter((request) =>
      (request.json as Event[]).some((event) => event.labels['id'] === opaId),
    );
    for (const request of [...fromShim, ...fromOpa]) {
      expect(request.method).toBe('POST');
      expect(request.encoding).toBe('gzip');
      expect(request.contentType).toBe('application/json');
      expect(request.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(Array.isArray(request.json)).toBe(true);
    }
    expect(fromShim.length).toBeGreaterThan(0);
    expect(fromOpa.length).toBeGreaterThan(0);
  });

  it("gives each event OPA's fields, plus only the shim's `action`", () => {
    const [ours] = eventsFrom(collector, shim.reporting.labels['id'] ?? '');
    const [theirs] = eventsFrom(collector, opaId);
    expect(ours).toBeDefined();
    expect(theirs).toBeDefined();
    const shimKeys = Object.keys(ours!).filter((key) => key !== 'action');
    expect(new Set(shimKeys)).toEqual(new Set(Object.keys(theirs!)));
    expect(ours!['action']).toBe('forwarded');
    expect(Object.keys(ours!.labels).sort()).toEqual(Object.keys(theirs!.labels).sort());
    expect(ours!.labels['team']).toBe('platform');
    expect(Object.keys(ours!['metrics'] as object)).toContain('timer_rego_query_eval_ns');
    expect(Object.keys(theirs!['metrics'] as object)).toContain('timer_rego_query_eval_ns');
    expect(ours!['path']).toBe(theirs!['path']);
  });

  it('masks the same argument as OPA, and says so in `erased`', () => {
    const [ours] = eventsFrom(collector, shim.reporting.labels['id'] ?? '');
    const [theirs] = eventsFrom(collector, opaId);
    expect(ours!['erased']).toEqual(['/input/arguments/password']);
    expect(theirs!['erased']).toEqual(['/input/arguments/password']);
    const input = ours!['input'] as { arguments: Record<string, unknown> };
    expect(input.arguments).toEqual({ path: '/srv/projects/a.txt' });
    expect(ours!['input']).toEqual(theirs!['input']);
    // The shim logs its normalised decision (docs/audit.md): an empty `message` is left out.
    const opaResult = { ...(theirs!['result'] as Record<string, unknown>) };
    expect(opaResult['message']).toBe('');
    delete opaResult['message'];
    expect(ours!['result']).toEqual(opaResult);
  });
});
