import { describe, expect, it } from 'vitest';
import { compareToBaselines } from '../../bench/lib/baselines.mjs';
import { checkBudget, describeMiss } from '../../bench/lib/budgets.mjs';
import { escapeXml, logTicks, renderLatencyChart } from '../../bench/lib/latency-chart.mjs';
import { LineSplitter } from '../../bench/lib/line-splitter.mjs';
import { parseProcStatus, rssDrift } from '../../bench/lib/proc-memory.mjs';
import {
  allocatedBytes,
  sampleStage,
  stageBytes,
  stageMicros,
} from '../../bench/lib/profile-stages.mjs';
import { markdownTable, renderReport, type Report } from '../../bench/lib/report.mjs';
import { formatChange } from '../../bench/lib/format.mjs';
import { percentile, ratio, summarise } from '../../bench/lib/stats.mjs';

const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);

describe('percentile', () => {
  it('interpolates linearly between the two closest ranks', () => {
    expect(percentile([10, 20, 30, 40], 25)).toBeCloseTo(17.5, 10);
    expect(percentile(oneToHundred, 50)).toBeCloseTo(50.5, 10);
    expect(percentile(oneToHundred, 99)).toBeCloseTo(99.01, 10);
  });

  it('returns the extremes at 0 and 100', () => {
    expect(percentile([3, 7, 9], 0)).toBe(3);
    expect(percentile([3, 7, 9], 100)).toBe(9);
  });

  it('rejects an empty sample and a percentile outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/at least one sample/);
    expect(() => percentile([1], 101)).toThrow(/between 0 and 100, got `101`/);
  });
});

describe('summarise', () => {
  it('sorts unsorted samples numerically before taking percentiles', () => {
    const summary = summarise([5, 100, 3, 20, 4]);
    expect(summary).toMatchObject({ n: 5, min: 3, max: 100, p50: 5 });
    expect(summary.mean).toBeCloseTo(26.4, 10);
  });
});

describe('ratio and baselines', () => {
  it('gives no ratio against a missing or non-positive baseline', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
  });

  it('compares each path with the direct and plain-relay baselines', () => {
    const compared = compareToBaselines({ direct: 100, relay: 150, shim: 175 });
    expect(compared.shim).toEqual({
      value: 175,
      vsDirect: 1.75,
      vsRelay: 175 / 150,
      added: 75,
      addedVsRelay: 1.5,
    });
    expect(compared.relay?.addedVsRelay).toBe(1);
  });
});

describe('budgets', () => {
  it('passes a max budget at the limit and fails it above', () => {
    expect(checkBudget('roundtrip-p50', 1.25).pass).toBe(true);
    expect(checkBudget('roundtrip-p50', 1.26).pass).toBe(false);
  });

  it('passes a min budget at the limit and fails it below', () => {
    expect(checkBudget('throughput-to-server', 0.8).pass).toBe(true);
    expect(checkBudget('throughput-to-server', 0.79).pass).toBe(false);
  });

  it('never passes a budget that was not measured', () => {
    expect(checkBudget('policy-p50', undefined).pass).toBeUndefined();
    expect(checkBudget('policy-p50', Number.NaN).pass).toBeUndefined();
  });

  it('says by how much a budget was missed', () => {
    expect(describeMiss(checkBudget('policy-p50', 15))).toBe(
      'missed by 5.00 µs (50% over the limit)',
    );
    expect(describeMiss(checkBudget('throughput-to-client', 0.6))).toBe(
      'missed by 0.20× (25% under the limit)',
    );
    expect(describeMiss(checkBudget('policy-p50', 5))).toBe('');
  });

  it('rejects an unknown budget id', () => {
    expect(() => checkBudget('nope', 1)).toThrow(/got `nope`/);
  });
});

describe('proc memory', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t   51200 kB\nThreads:\t7\n';
    expect(parseProcStatus(status)).toEqual({ rss: 51_200 * 1024, hwm: 204_800 * 1024 });
    expect(() => parseProcStatus('Name:\tnode\n')).toThrow(/`VmRSS`/);
  });

  it('measures drift after warm-up only', () => {
    const samples = [400, 50, 52, 55, 51, 50, 53, 54, 52, 50].map((rss, index) => ({
      messages: index,
      rss,
    }));
    expect(rssDrift(samples, 0.1)).toEqual({ min: 50, max: 55, drift: 0.1 });
    expect(rssDrift(samples, 0).drift).toBe(7);
  });
});

describe('LineSplitter', () => {
  it('splits frames across chunk boundaries, multi-byte UTF-8 and CRLF', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('{"a":"é"}\r\n{"b":1}\n\n{"c"', 'utf8');
    splitter.push(bytes.subarray(0, 7)); // splits the two bytes of "é"
    splitter.push(bytes.subarray(7));
    splitter.push(Buffer.from(':2}\n'));
    expect(lines).toEqual(['{"a":"é"}', '{"b":1}', '{"c":2}']);
  });
});

describe('markdownTable', () => {
  it('escapes pipes and right-aligns columns of figures', () => {
    const table = markdownTable(
      ['path', 'p50'],
      [
        ['a|b', '1.0 µs'],
        ['c', 'n/a'],
      ],
    );
    expect(table.split('\n')).toEqual([
      '| path | p50 |',
      '| --- | ---: |',
      '| a\\|b | 1.0 µs |',
      '| c | n/a |',
    ]);
  });
});

describe('renderReport', () => {
  const report: Report = {
    generatedAt: '2026-01-01T00:00:00.000Z',
    quick: false,
    machine: {
      cpu: 'Test CPU 9000',
      cores: 2,
      memoryGiB: 8,
      os: 'Linux',
      node: 'v20.0.0',
      load: 0.5,
    },
    loadAtEnd: 1.25,
    paths: [{ label: 'plain relay', command: 'node bench/plain-relay.mjs -- node echo.mjs' }],
    scenarios: [
      {
        name: 'policy',
        title: 'Policy alone',
        about: 'About policy.',
        command: 'node bench/run.mjs policy',
        settings: '10 evaluations.',
        tables: [{ columns: ['input', 'p50'], rows: [['tools/call', '12.0 µs']] }],
        budgets: [checkBudget('policy-p50', 12), checkBudget('cold-start', 1.1)],
        notes: ['A note.'],
      },
    ],
    analysis: 'Why it missed.',
  };

  it('records the machine, the commands, every figure and each budget verdict', () => {
    const page = renderReport(report);
    expect(page).toContain('| Test CPU 9000 | 2 | 8 GiB | Linux | v20.0.0 | 0.50 → 1.25 |');
    expect(page).toContain('`node bench/plain-relay.mjs -- node echo.mjs`');
    expect(page).toContain('## Policy alone');
    expect(page).toContain('| tools/call | 12.0 µs |');
    expect(page).toContain('FAIL, missed by 2.00 µs (20% over the limit)');
    expect(page).toContain('| 1.10× | pass |');
    expect(page).toContain('1 of 2 budgets pass, 1 fail, 0 not measured');
    expect(page).toContain('## Analysis\n\nWhy it missed.');
  });

  it('judges no budget in quick mode', () => {
    const page = renderReport({ ...report, quick: true });
    expect(page).toContain('QUICK MODE');
    expect(page).not.toContain('FAIL');
    expect(page).toContain('not judged (quick mode)');
  });
});

describe('renderLatencyChart', () => {
  it('draws one curve and one legend entry per path, with escaped labels', () => {
    const svg = renderLatencyChart(
      [
        { label: 'direct', samples: [10, 20, 30] },
        { label: 'shim <default>', samples: [40, 50, 60] },
      ],
      { title: 'round trip' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain(`>${escapeXml('shim <default>')}<`);
    expect(svg).not.toContain('shim <default>');
  });

  it('refuses to draw nothing', () => {
    expect(() => renderLatencyChart([], { title: 'x' })).toThrow(/at least one latency series/);
  });

  it('spans a log axis from the power of ten below the minimum to the first round tick above the maximum', () => {
    expect(logTicks(13.8, 2166)).toEqual({
      low: 10,
      high: 5000,
      ticks: [10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    });
    expect(logTicks(0.5, 0.9)).toEqual({ low: 0.1, high: 1, ticks: [0.1, 0.2, 0.5, 1] });
  });
});

describe('profile stages', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url });

  it('gives a sample the stage of the innermost shim frame on its stack', () => {
    const parse = frame('parseFrame', 'file:///repo/dist/messages/parse-frame.js');
    const relay = frame('relayClientLine', 'file:///repo/dist/relay/client-to-server.js');
    expect(sampleStage([frame('parse'), parse, relay])).toBe('parse');
    expect(sampleStage([frame('writeUtf8String'), relay])).toBe('relay');
    expect(sampleStage([frame('opa_eval', 'wasm://wasm/abc'), relay])).toBe('eval');
    expect(sampleStage([frame('onStreamRead', 'node:internal/stream_base_commons')])).toBe(
      'node I/O',
    );
    expect(sampleStage([frame('(garbage collector)')])).toBe('gc');
    expect(sampleStage([frame('(idle)')])).toBe('idle');
  });

  it('sums each sample’s time into its stage', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('(idle)') },
        {
          id: 3,
          callFrame: frame('buildMessageInput', 'file:///r/dist/input/build-input.js'),
        },
      ],
      samples: [3, 2, 3],
      timeDeltas: [0, 10, 20, 30],
    };
    expect(stageMicros(profile)).toEqual({ input: 40, idle: 20 });
  });

  it('sums a heap profile’s allocations into the stage of each allocating stack', () => {
    interface Node {
      callFrame: { functionName: string; url: string };
      selfSize: number;
      children: Node[];
    }
    const node = (callFrame: Node['callFrame'], selfSize: number, children: Node[] = []): Node => ({
      callFrame,
      selfSize,
      children,
    });
    const head = node(frame('(root)'), 0, [
      node(frame('relayClientLine', 'file:///r/dist/relay/client-to-server.js'), 100, [
        node(frame('parseFrame', 'file:///r/dist/messages/parse-frame.js'), 40),
      ]),
      node(frame('onStreamRead', 'node:internal/stream_base_commons'), 8),
    ]);
    expect(stageBytes({ head })).toEqual({ relay: 100, parse: 40, 'node I/O': 8 });
  });

  it('counts allocation as heap growth between collections', () => {
    const gc = [
      { type: 'Scavenge', cost: 1, before: 1500, after: 1100 },
      { type: 'Scavenge', cost: 1, before: 1900, after: 1000 },
    ];
    expect(allocatedBytes(gc, 1000, 1200)).toBe(500 + 800 + 200);
    expect(allocatedBytes([], 1000, 900)).toBe(0);
  });
});

describe('the state scenario', () => {
  it('signs the change over the shim without limits once, whichever way it goes', () => {
    expect(formatChange(0.054)).toBe('+5.4%');
    expect(formatChange(-0.019)).toBe('−1.9%');
    expect(formatChange(undefined)).toBe('');
  });
});
