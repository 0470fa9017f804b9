import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCall } from '../audit/helpers/inputs.js';
import { Collector, collectorConfig, eventually, cleanUp } from './decision-logs-collector.js';
import { startShimReporting, type ShimReporting } from './decision-logs-shim.js';

const UPLOAD_LIMIT = 2048;

const config = (url: string): string =>
  collectorConfig(url, {
    status: false,
    reporting: [`upload_size_limit_bytes: ${String(UPLOAD_LIMIT)}`],
  });

describe('upload_size_limit_bytes', () => {
  let collector: Collector;
  let shim: ShimReporting;

  beforeAll(async () => {
    collector = await Collector.start();
    shim = await startShimReporting(config(collector.url));
    for (let i = 0; i < 20; i += 1) {
      const path = `/srv/projects/f${String(i).padStart(3, '0')}`;
      shim.judge(toolCall('read_file', { path }, [path]));
    }
    // Incompressible: no gzipped array holding it fits the limit.
    const huge = randomBytes(4096).toString('base64');
    shim.judge(
      toolCall('write_file', { path: '/srv/projects/big', content: huge }, ['/srv/projects/big']),
    );
    await eventually(
      () => {
        const counters = shim.reporting.uploader!.counters();
        return counters.backlog === 0 && counters.uploadedEvents + counters.droppedTooLarge === 21
          ? true
          : undefined;
      },
      15_000,
      'every event uploaded or dropped',
    );
  });

  afterAll(async () => {
    await cleanUp(
      () => shim.close(),
      () => collector.dispose(),
    );
  });

  it('splits the backlog into gzipped arrays no larger than the limit', () => {
    const uploads = collector.uploads();
    expect(uploads.length).toBeGreaterThan(1);
    for (const upload of uploads) expect(upload.raw.length).toBeLessThanOrEqual(UPLOAD_LIMIT);
    const paths = uploads.flatMap((upload) =>
      (upload.json as { input: { arguments: { path: string } } }[]).map(
        (event) => event.input.arguments.path,
      ),
    );
    expect(paths).toEqual(
      Array.from({ length: 20 }, (_, i) => `/srv/projects/f${String(i).padStart(3, '0')}`),
    );
  });

  it('drops an event that alone exceeds the limit, and counts it', () => {
    const counters = shim.reporting.uploader!.counters();
    expect(counters.droppedTooLarge).toBe(1);
    expect(counters.uploadedEvents).toBe(20);
    expect(counters.droppedBufferFull).toBe(0);
  });
});
