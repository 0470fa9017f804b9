#!/usr/bin/env node
// A legacy-era server that announces `notifications/tools/list_changed` right after
// `notifications/initialized`, answers nothing more, and exits shortly after: any request sent to
// it from then on (the client's, or one the shim makes on its own) stays unanswered.
import process from 'node:process';
import { createInterface } from 'node:readline';

const send = (message) =>
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');

createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.method === 'initialize') {
    send({
      id: message.id,
      result: {
        protocolVersion: message.params?.protocolVersion ?? '2025-11-25',
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: 'list-changed-then-exit', version: '1.0.0' },
      },
    });
  } else if (message.method === 'notifications/initialized') {
    send({ method: 'notifications/tools/list_changed' });
    setTimeout(() => process.exit(0), 500);
  }
});
