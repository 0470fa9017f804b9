/**
 * Throughput: pipelined messages per second in both directions. Client→server:
 * `tools/call` requests with a fixed window in flight (each answered).
 * Server→client: one `burst` call that makes the server send N notifications.
 */
import { compareToBaselines } from './lib/baselines.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatMicros, formatRate, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { interleave, pipeline, withPaths } from './lib/run-paths.mjs';
import { echoParams, expectEcho } from './lib/spawn-path.mjs';
import { readProcCpuSeconds } from './lib/proc-memory.mjs';
import { median } from './lib/stats.mjs';

export const name = 'throughput';
export const title = 'Throughput';

const WINDOW = 64;

/**
 * Runs `measure` and returns its rate with the relaying process's CPU time per
 * message (µs): a figure that, unlike the rate, does not depend on what else
 * the machine's cores are doing. Undefined for the direct path (no relay).
 */
async function withCpu(item, messages, measure) {
  const cpu = () => (item.path.relayed ? readProcCpuSeconds(item.pid) : undefined);
  const before = cpu();
  const rate = await measure();
  const after = cpu();
  return { rate, cpu: before === undefined ? undefined : ((after - before) * 1e6) / messages };
}

async function toServerRate(item, requests) {
  return withCpu(item, requests, () => toServerOnce(item, requests));
}

async function toServerOnce(item, requests) {
  const elapsed = await pipeline(
    item.client,
    requests,
    WINDOW,
    (client, index) => client.requestWhenWritable('tools/call', echoParams(`m${index}`)),
    (message, index) => {
      expectEcho(message, `m${index}`);
    },
  );
  return requests / (elapsed / 1000);
}

async function toClientRate(item, notifications) {
  return withCpu(item, notifications, () => toClientOnce(item, notifications));
}

async function toClientOnce(item, notifications) {
  let received = 0;
  const stop = item.client.onNotification((message) => {
    if (message.method === 'notifications/message') received++;
  });
  try {
    const { message, sentAt, receivedAt } = await item.client.request('tools/call', {
      name: 'burst',
      arguments: { count: notifications },
    });
    if (message.result?.isError === true || received !== notifications) {
      throw new Error(
        `Expected ${notifications} notifications and a result, got ${received} and ${JSON.stringify(message).slice(0, 200)}`,
      );
    }
    return notifications / ((receivedAt - sentAt) / 1000);
  } finally {
    stop();
  }
}

export async function run({ quick, auditFile }) {
  const rounds = quick ? 1 : 3;
  const requests = quick ? 2000 : 50_000;
  const notifications = quick ? 5000 : 200_000;
  const paths = buildPaths(echoServer(), { auditFile: auditFile(name) });
  const rates = await withPaths(paths, async (running) => {
    await interleave(running, 1, (item) => toServerRate(item, Math.min(requests, 2000)));
    await interleave(running, 1, (item) => toClientRate(item, Math.min(notifications, 5000)));
    return {
      toServer: await interleave(running, rounds, (item) => toServerRate(item, requests)),
      toClient: await interleave(running, rounds, (item) => toClientRate(item, notifications)),
    };
  });
  const byDirection = (direction, key) =>
    compareToBaselines(
      Object.fromEntries(
        paths.map((path) => {
          const values = rates[direction][path.id].map((round) => round[key]);
          return [path.id, values.includes(undefined) ? undefined : median(values)];
        }),
      ),
    );
  const toServer = byDirection('toServer', 'rate');
  const toClient = byDirection('toClient', 'rate');
  const cpuToServer = byDirection('toServer', 'cpu');
  const cpuToClient = byDirection('toClient', 'cpu');
  return {
    name,
    title,
    about: `Client→server: \`tools/call\` echo requests, ${WINDOW} in flight, counted when answered (each one relayed message each way). Server→client: the \`burst\` tool makes the server write \`notifications/message\` lines as fast as the pipe takes them; counted from the request to the final result. The median of ${rounds} round(s) per path; paths take turns.`,
    command: `node bench/run.mjs ${name}`,
    settings: `${requests} requests and ${notifications} notifications per round, ${rounds} round(s), after a warm-up round.`,
    tables: [
      {
        columns: [
          'path',
          'client→server requests/s',
          'vs direct',
          'vs relay',
          'server→client notifications/s',
          'vs direct',
          'vs relay',
        ],
        rows: paths.map(({ id, label }) => [
          label,
          formatRate(toServer[id].value),
          formatRatio(toServer[id].vsDirect),
          formatRatio(toServer[id].vsRelay),
          formatRate(toClient[id].value),
          formatRatio(toClient[id].vsDirect),
          formatRatio(toClient[id].vsRelay),
        ]),
      },
      {
        caption:
          'CPU time of the relaying process per message (user + system, from /proc/<pid>/stat), which does not depend on what else runs on the machine:',
        columns: [
          'path',
          'CPU per request (and its answer)',
          'vs relay',
          'CPU per notification',
          'vs relay',
        ],
        rows: paths
          .filter((path) => path.relayed)
          .map(({ id, label }) => [
            label,
            formatMicros(cpuToServer[id].value),
            formatRatio(cpuToServer[id].vsRelay),
            formatMicros(cpuToClient[id].value),
            formatRatio(cpuToClient[id].vsRelay),
          ]),
      },
    ],
    budgets: [
      checkBudget('throughput-to-server', toServer.shim?.vsRelay),
      checkBudget('throughput-to-client', toClient.shim?.vsRelay),
    ],
    notes: [
      'Client, relay and server share the machine’s cores, so a relay that burns CPU also slows the two ends; that is part of its real cost.',
    ],
  };
}
