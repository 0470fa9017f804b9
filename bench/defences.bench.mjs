/**
 * What two fail-closed defences cost (issue 10): the namespace barrier (a call that can change
 * the file tree holds later path-bearing calls until it is answered) and decoding JSON escapes
 * before secrets are matched (only frames with `\u` or `\/` are decoded).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareStat, compareToBaselines } from './lib/baselines.mjs';
import { formatMicros, formatRate, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { interleave, pipeline, withPaths } from './lib/run-paths.mjs';
import { echoParams, expectEcho } from './lib/spawn-path.mjs';
import { median, summarise } from './lib/stats.mjs';

export const name = 'defences';
export const title = 'Cost of the barrier and of escape decoding';

const WINDOW = 64;
/** One call in WRITE_EVERY is a `write_file`: a barrier for the reads around it. */
const WRITE_EVERY = 5;
const SECRET_ENV = { BENCH_API_TOKEN: 'bench-token-0123456789abcdef' };
/** 1 KiB of text with `&`, `<` and `>` spread through it: 96 escapes when Go-encoded. */
const ESCAPABLE = Array.from({ length: 32 }, (_, index) => `item ${index} & <b>x</b> `)
  .join('')
  .padEnd(1024, '.')
  .slice(0, 1024);

function fileCall(root, index, mixed) {
  const write = mixed && index % WRITE_EVERY === WRITE_EVERY - 1;
  const path = join(root, `file-${index % 100}.txt`);
  return write
    ? { name: 'write_file', arguments: { path, content: `v${index}` } }
    : { name: 'read_text_file', arguments: { path } };
}

async function fileRate(item, root, requests, mixed) {
  const elapsed = await pipeline(
    item.client,
    requests,
    WINDOW,
    (client, index) => client.requestWhenWritable('tools/call', fileCall(root, index, mixed)),
    (message, index) => {
      const expected = `ok ${fileCall(root, index, mixed).arguments.path}`;
      if (message.result?.isError === true || message.result?.content?.[0]?.text !== expected)
        throw new Error(`Expected \`${expected}\`, got ${JSON.stringify(message).slice(0, 300)}`);
    },
  );
  return requests / (elapsed / 1000);
}

async function barrier({ quick, auditFile, tmpDir }) {
  const root = join(tmpDir, 'defences-root');
  mkdirSync(root, { recursive: true });
  const requests = quick ? 500 : 20_000;
  const rounds = quick ? 1 : 5;
  const paths = buildPaths(echoServer(['--fs-tools']), {
    auditFile: auditFile(`${name}-barrier`),
    include: ['direct', 'relay', 'shim'],
    shimOptions: ['--root', root],
  });
  const rates = await withPaths(paths, async (running) => {
    await interleave(running, 1, (item) => fileRate(item, root, Math.min(requests, 1000), true));
    const reads = await interleave(running, rounds, (item) =>
      fileRate(item, root, requests, false),
    );
    const mixed = await interleave(running, rounds, (item) => fileRate(item, root, requests, true));
    return { reads, mixed };
  });
  const medians = (workload) =>
    compareToBaselines(
      Object.fromEntries(paths.map((path) => [path.id, median(rates[workload][path.id])])),
    );
  const reads = medians('reads');
  const mixed = medians('mixed');
  return {
    table: {
      caption: `Pipelined \`tools/call\` (${WINDOW} in flight) with a path argument inside \`--root\`: reads only, then the same with one \`write_file\` in ${WRITE_EVERY} (each write waits for the reads before it, and the reads after it wait for its answer). ${requests} calls per round, the median of ${rounds} rounds per path.`,
      columns: [
        'path',
        'reads/s',
        'vs relay',
        'reads + writes/s',
        'vs relay',
        'reads + writes vs reads only',
      ],
      rows: paths.map(({ id, label }) => [
        label,
        formatRate(reads[id].value),
        formatRatio(reads[id].vsRelay),
        formatRate(mixed[id].value),
        formatRatio(mixed[id].vsRelay),
        formatRatio(mixed[id].value / reads[id].value),
      ]),
    },
  };
}

async function timedEcho(item, text) {
  const { message, sentAt, receivedAt } = await item.client.request('tools/call', echoParams(text));
  expectEcho(message, text);
  return (receivedAt - sentAt) * 1000;
}

async function decoding({ quick, auditFile }) {
  const warmup = quick ? 50 : 1000;
  const block = quick ? 25 : 100;
  const rounds = quick ? 2 : 50;
  const variant = (serverArgs, suffix) =>
    buildPaths(echoServer(serverArgs), {
      auditFile: auditFile(`${name}-${suffix}`),
      include: ['direct', 'relay', 'shim'],
      env: SECRET_ENV,
    }).map((path) => ({ ...path, id: `${path.id}-${suffix}`, base: path.id }));
  const plain = variant([], 'plain');
  const escaped = variant(['--go-escapes'], 'escaped');
  const paths = [...plain, ...escaped];
  const samples = await withPaths(paths, async (running) => {
    await interleave(running, 1, (item) => timedEcho(item, ESCAPABLE), warmup);
    return interleave(running, rounds, (item) => timedEcho(item, ESCAPABLE), block, 10);
  });
  const stats = Object.fromEntries(paths.map((path) => [path.id, summarise(samples[path.id])]));
  const compare = (set, key) =>
    compareStat(
      set.map((path) => ({ ...path, id: path.base })),
      Object.fromEntries(set.map((path) => [path.base, stats[path.id]])),
      key,
    );
  const plainP50 = compare(plain, 'p50');
  const escapedP50 = compare(escaped, 'p50');
  const rows = ['direct', 'relay', 'shim'].map((id) => [
    plain.find((path) => path.base === id).label,
    formatMicros(plainP50[id].value),
    formatMicros(escapedP50[id].value),
    formatMicros(escapedP50[id].value - plainP50[id].value),
    formatMicros(plainP50[id].added),
    formatMicros(escapedP50[id].added),
  ]);
  return {
    table: {
      caption: `Sequential \`tools/call\` echo of a 1 KiB text holding 96 characters that Go's encoder escapes, with a secret in the environment (\`BENCH_API_TOKEN\`), so the shim searches every frame for it. The server writes the result plainly, or Go-style (\`\\u0026\`, \`\\u003c\`, \`\\u003e\`), which makes the shim decode the frame before searching. ${rounds * block} measured calls per path, in blocks taking turns.`,
      columns: [
        'path',
        'p50, plain result',
        'p50, escaped result',
        'escaped − plain',
        'added p50, plain',
        'added p50, escaped',
      ],
      rows,
    },
  };
}

export async function run(context) {
  const barrierResult = await barrier(context);
  const decodingResult = await decoding(context);
  return {
    name,
    title,
    about:
      'Two defences added by the fail-open review (issue 10), each measured on the echo server against a direct connection and the plain relay in the same run. A relay has neither defence, so the rows show what each one costs in the shim.',
    command: `node bench/run.mjs ${name}`,
    settings: 'See each table.',
    tables: [barrierResult.table, decodingResult.table],
    budgets: [],
    notes: [
      'The barrier only orders calls that carry a path: a session without `write_file`-like calls pays nothing for it (the reads-only column).',
    ],
  };
}
