import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCall } from '../audit/helpers/inputs.js';
import { Collector, collectorConfig, eventually, cleanUp } from './decision-logs-collector.js';
import { startShimReporting, type ShimReporting } from './decision-logs-shim.js';

const LIMIT_BYTES = 20_000;

const config = (url: string): string =>
  collectorConfig(url, {
    status: false,
    reporting: [`buffer_size_limit_bytes: ${String(LIMIT_BYTES)}`],
  });

interface Event {
  decision_id: string;
  req_id: number;
}

/** Decisions in the local audit log, in order: the source of truth. */
function auditedIds(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"decision"'))
    .map((line) => (JSON.parse(line) as { decision_id: string }).decision_id);
}

describe('decision-log upload while the collector is down', () => {
  let collector: Collector;
  let shim: ShimReporting;

  const received = (): Event[] => collector.events<Event>();

  /** Stops nginx, makes `count` decisions, waits for an upload to fail, restarts nginx. */
  async function outage(count: number, start: number): Promise<void> {
    await collector.stop();
    const failed = shim.reporting.uploader!.counters().failedUploads;
    for (let i = 0; i < count; i += 1) {
      // Same-length paths: every event of an outage has the same size.
      const path = `/srv/projects/f${String(start + i).padStart(4, '0')}.txt`;
      shim.judge(toolCall('read_file', { path }, [path]));
    }
    await eventually(
      () => (shim.reporting.uploader!.counters().failedUploads > failed ? true : undefined),
      10_000,
      'a failed upload while nginx is down',
    );
    await collector.resume();
  }

  beforeAll(async () => {
    collector = await Collector.start();
    shim = await startShimReporting(config(collector.url));
  });

  afterAll(async () => {
    await cleanUp(
      () => shim.close(),
      () => collector.dispose(),
    );
  });

  it('loses nothing within the buffer bound', async () => {
    // Ten decisions first, so every later event has a two-digit req_id and the same size.
    await outage(10, 0);
    const events = await eventually(
      () => (received().length === 10 ? received() : undefined),
      15_000,
      'all ten buffered events after nginx restarts',
    );
    expect(events.map((event) => event.decision_id)).toEqual(auditedIds(shim.auditLog));
    expect(shim.reporting.uploader!.counters().droppedBufferFull).toBe(0);
  });

  it('beyond it drops the oldest, and counts exactly those', async () => {
    const eventBytes = Buffer.byteLength(JSON.stringify(received()[9]));
    const fits = Math.floor(LIMIT_BYTES / eventBytes);
    const made = fits + 17;
    expect(made * eventBytes).toBeGreaterThan(LIMIT_BYTES);
    await outage(made, 10);
    const later = await eventually(
      () => {
        const counters = shim.reporting.uploader!.counters();
        return counters.backlog === 0 && counters.uploadedEvents >= 10 + fits
          ? received().slice(10)
          : undefined;
      },
      15_000,
      'the surviving events after nginx restarts',
    );
    // Every event of the outage has the same size, so exactly `fits` of them fit the buffer.
    for (const event of later) expect(Buffer.byteLength(JSON.stringify(event))).toBe(eventBytes);
    expect(later).toHaveLength(fits);
    const audited = auditedIds(shim.auditLog);
    expect(audited).toHaveLength(10 + made);
    // The newest survive: the uploaded ids are the last `fits` decisions of the audit log.
    expect(later.map((event) => event.decision_id)).toEqual(audited.slice(-fits));
    expect(shim.reporting.uploader!.counters().droppedBufferFull).toBe(made - fits);
  });
});
