// `npm run demo`: a real MCP client (SDK v1) talks to server-everything through the shim,
// which runs the embedded default policy. Prints what the client sees; the shim's decision
// records go to stderr (--audit-stderr).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const server = `${repo}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [
    `${repo}dist/bin/mcp-opa-shim.mjs`,
    '--log-level',
    'warn',
    '--',
    process.execPath,
    server,
    'stdio',
  ],
  stderr: 'inherit',
});
const client = new Client({ name: 'mcp-opa-shim-demo', version: '1.0.0' });
await client.connect(transport);
const { tools } = await client.listTools();
console.log(
  `tools/list through the shim: ${tools.length} tools (${tools
    .slice(0, 5)
    .map((t) => t.name)
    .join(', ')}, …)`,
);
const echo = await client.callTool({
  name: 'echo',
  arguments: { message: 'hello through the shim' },
});
console.log(`tools/call echo → ${JSON.stringify(echo.content)}`);
await client.close();
