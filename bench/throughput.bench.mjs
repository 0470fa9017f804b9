/**
 * Throughput: pipelined messages per second in both directions. Client→server:
 * `tools/call` requests with a fixed window in flight (each answered).
 * Server→client: one `burst` call that makes the server send N notifications.
 */
import { compareToBaselines } from './lib/baselines.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatRate, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { interleave, pipeline, withPaths } from './lib/run-paths.mjs';
import { echoParams, expectEcho } from './lib/spawn-path.mjs';
import { median } from './lib/stats.mjs';

export const name = 'throughput';
export const title = 'Throughput';

const WINDOW = 64;

async function toServerRate(item, requests) {
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
  const byDirection = (direction) =>
    compareToBaselines(
      Object.fromEntries(paths.map((path) => [path.id, median(rates[direction][path.id])])),
    );
  const toServer = byDirection('toServer');
  const toClient = byDirection('toClient');
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
