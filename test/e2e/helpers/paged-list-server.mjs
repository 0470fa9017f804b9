#!/usr/bin/env node
// A legacy-era MCP server whose four lists come in pages of two, with opaque cursors, so that the
// e2e tests can follow `nextCursor` through the shim. Dependency-free; protocol on stdout only.
import process from 'node:process';
import { createInterface } from 'node:readline';

const make = (kind, n) =>
  Array.from({ length: n }, (_, i) => {
    const name = `${kind}-${i + 1}`;
    if (kind === 'tool')
      return { name, description: `Tool ${i + 1}`, inputSchema: { type: 'object' } };
    if (kind === 'prompt') return { name, description: `Prompt ${i + 1}` };
    if (kind === 'resource') return { uri: `paged://resource/${i + 1}`, name };
    return { uriTemplate: `paged://template/${i + 1}/{id}`, name };
  });

const lists = {
  'tools/list': ['tools', make('tool', 5)],
  'prompts/list': ['prompts', make('prompt', 3)],
  'resources/list': ['resources', make('resource', 4)],
  'resources/templates/list': ['resourceTemplates', make('template', 3)],
};
const PAGE = 2;

function answer({ id, method, params }) {
  if (method === 'initialize') {
    const capabilities = { tools: {}, prompts: {}, resources: {} };
    const serverInfo = { name: 'paged-list-server', version: '1.0.0' };
    return {
      result: {
        protocolVersion: params?.protocolVersion ?? '2025-11-25',
        capabilities,
        serverInfo,
      },
      id,
    };
  }
  if (method === 'ping') return { result: {}, id };
  const list = lists[method];
  if (list === undefined)
    return { error: { code: -32601, message: `Method not found: ${method}` }, id };
  const [key, items] = list;
  const start =
    params?.cursor === undefined ? 0 : Number(Buffer.from(params.cursor, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start >= items.length) {
    return { error: { code: -32602, message: `Invalid cursor: ${params?.cursor}` }, id };
  }
  const end = start + PAGE;
  const page = { [key]: items.slice(start, end) };
  if (end < items.length) page.nextCursor = Buffer.from(String(end)).toString('base64url');
  return { result: page, id };
}

createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  const message = JSON.parse(line);
  if (typeof message.method !== 'string' || message.id === undefined) return;
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...answer(message) }) + '\n');
});
