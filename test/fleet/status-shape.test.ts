import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCall } from '../audit/helpers/inputs.js';
import type { Collector, OpaServer } from './decision-logs-collector.js';
import { eventually } from './decision-logs-collector.js';
import { startSideBySide, type ShimReporting, type SideBySide } from './decision-logs-shim.js';

type Report = Record<string, unknown> & {
  labels: Record<string, string>;
  plugins: Record<string, Record<string, unknown>>;
  metrics: { prometheus: Record<string, unknown> };
};

describe('status reports from the shim and from OPA', () => {
  let collector: Collector;
  let opa: OpaServer;
  let shim: ShimReporting;
  let sides: SideBySide | undefined;

  /** The last report from one agent that already carries `decision_logs` (after an upload). */
  const lastReport = (id: string): Report | undefined =>
    collector
      .statusReports<Report>()
      .filter((report) => report.labels['id'] === id && 'decision_logs' in report)
      .at(-1);

  let opaId = '';

  beforeAll(async () => {
    sides = await startSideBySide();
    ({ collector, opa, shim } = sides);
    const input = toolCall('read_file', { path: '/srv/projects/a.txt' }, ['/srv/projects/a.txt']);
    await opa.query('mcp/decision', input);
    shim.judge(input);
    opaId = await eventually(
      () =>
        collector
          .statusReports<Report>()
          .find(
            (report) =>
              report.labels['id'] !== shim.reporting.labels['id'] &&
              'counter_decision_logs_chunks_uploaded' in report.metrics.prometheus,
          )?.labels['id'],
      15_000,
      "OPA's status report after an upload",
    );
    await eventually(
      () => lastReport(shim.reporting.labels['id'] ?? ''),
      15_000,
      "the shim's status report after an upload",
    );
  });

  afterAll(async () => {
    await sides?.dispose();
  });

  it('POSTs plain JSON to /status, as OPA does', () => {
    const reports = collector.requests().filter((request) => request.uri === '/status');
    const ours = reports.filter(
      (request) => (request.json as Report).labels['id'] === shim.reporting.labels['id'],
    );
    expect(ours.length).toBeGreaterThan(0);
    for (const request of reports) {
      expect(request.method).toBe('POST');
      expect(request.encoding).toBe('');
      expect(request.contentType).toBe('application/json');
    }
  });

  it("carries OPA's top-level fields and labels", () => {
    const ours = lastReport(shim.reporting.labels['id'] ?? '')!;
    const theirs = lastReport(opaId)!;
    expect(new Set(Object.keys(ours))).toEqual(new Set(Object.keys(theirs)));
    expect(Object.keys(ours.labels).sort()).toEqual(Object.keys(theirs.labels).sort());
    expect(ours['decision_logs']).toEqual({});
    expect(theirs['decision_logs']).toEqual({});
  });

  it("reports plugin states and the upload counter in OPA's shapes", () => {
    const ours = lastReport(shim.reporting.labels['id'] ?? '')!;
    const theirs = lastReport(opaId)!;
    for (const [name, state] of Object.entries(ours.plugins)) {
      expect(theirs.plugins[name], `OPA has a \`${name}\` plugin`).toBeDefined();
      expect(Object.keys(state)).toEqual(Object.keys(theirs.plugins[name]!));
    }
    // OPA 1.22 sends its own counters as plain numbers beside the Go runtime's metric families.
    const counter = 'counter_decision_logs_chunks_uploaded';
    expect(theirs.metrics.prometheus[counter]).toBeTypeOf('number');
    expect(ours.metrics.prometheus[counter]).toBeTypeOf('number');
    expect(ours.metrics.prometheus[counter]).toBeGreaterThanOrEqual(1);
  });
});
