import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { OPA_DIR, REPO, SHIM } from '../../helpers/shim-process.js';
import { stateHomeEnv } from '../../helpers/state-home-env.js';

export const FILESYSTEM_SERVER = join(
  REPO,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);

export interface ToolOutcome {
  readonly isError: boolean;
  readonly text: string;
}

export interface FilesystemSession {
  call(name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
  close(): Promise<void>;
}

/**
 * A real v1 SDK client (no roots capability) driving server-filesystem through the built shim.
 * The server is given `serverDir`; the shim's `shimArgs` (e.g. `--root`) decide what it may touch.
 */
export async function connectFilesystem(
  shimArgs: readonly string[],
  serverDir: string,
): Promise<FilesystemSession> {
  const client = new Client({ name: 'audit-e2e-client', version: '1.0.0' }, { capabilities: {} });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      SHIM,
      ...shimArgs,
      '--log-level',
      'silent',
      '--',
      process.execPath,
      FILESYSTEM_SERVER,
      serverDir,
    ],
    env: {
      PATH: `${OPA_DIR}:${process.env['PATH'] ?? ''}`,
      HOME: process.env['HOME'] ?? serverDir,
      ...stateHomeEnv(),
    },
    stderr: 'pipe',
  });
  await client.connect(transport);
  return {
    async call(name, args) {
      const result = await client.callTool({ name, arguments: args });
      const content = (result.content ?? []) as { text?: string }[];
      return {
        isError: result.isError === true,
        text: content.map((block) => block.text ?? '').join('\n'),
      };
    },
    close: () => client.close(),
  };
}
