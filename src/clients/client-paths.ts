import { join, win32 } from 'node:path';
import type { ClientFormat } from './server-entries.js';

/** The clients `wrap --client` knows, each with its config file. */
export const CLIENT_NAMES = [
  'claude-desktop',
  'claude-code',
  'claude-code-project',
  'cursor',
  'cursor-project',
  'vscode',
] as const;

export type ClientName = (typeof CLIENT_NAMES)[number];

export interface ClientPlace {
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ClientFile {
  readonly path: string;
  readonly format: ClientFormat;
  /** Where the client keeps it, for messages: "Claude Desktop's config (macOS)". */
  readonly description: string;
}

/**
 * Where each client keeps its MCP servers:
 * - Claude Desktop: `~/Library/Application Support/Claude/` (macOS), `%APPDATA%\Claude\`
 *   (Windows), `$XDG_CONFIG_HOME/Claude/` or `~/.config/Claude/` (Linux builds);
 * - Claude Code: `~/.claude.json` (user servers and each project's local servers; under
 *   `$CLAUDE_CONFIG_DIR` when that is set) and the project's `.mcp.json`;
 * - Cursor: `~/.cursor/mcp.json` and the project's `.cursor/mcp.json`;
 * - VS Code: the workspace's `.vscode/mcp.json`.
 */
export function clientFile(client: ClientName, place: ClientPlace): ClientFile {
  const { homeDir, cwd, env } = place;
  switch (client) {
    case 'claude-desktop':
      return {
        path: claudeDesktopPath(place),
        format: 'claude-desktop',
        description: `Claude Desktop's config (${place.platform})`,
      };
    case 'claude-code':
      return {
        path: join(env.CLAUDE_CONFIG_DIR ?? homeDir, '.claude.json'),
        format: 'claude-code',
        description: "Claude Code's user config",
      };
    case 'claude-code-project':
      return {
        path: join(cwd, '.mcp.json'),
        format: 'claude-code',
        description: "this project's Claude Code `.mcp.json`",
      };
    case 'cursor':
      return {
        path: join(homeDir, '.cursor', 'mcp.json'),
        format: 'cursor',
        description: "Cursor's global config",
      };
    case 'cursor-project':
      return {
        path: join(cwd, '.cursor', 'mcp.json'),
        format: 'cursor',
        description: "this project's Cursor config",
      };
    case 'vscode':
      return {
        path: join(cwd, '.vscode', 'mcp.json'),
        format: 'vscode',
        description: "this workspace's VS Code `.vscode/mcp.json`",
      };
  }
}

function claudeDesktopPath({ platform, homeDir, env }: ClientPlace): string {
  const file = 'claude_desktop_config.json';
  if (platform === 'darwin') return join(homeDir, 'Library', 'Application Support', 'Claude', file);
  if (platform === 'win32')
    return win32.join(env.APPDATA ?? win32.join(homeDir, 'AppData', 'Roaming'), 'Claude', file);
  return join(env.XDG_CONFIG_HOME ?? join(homeDir, '.config'), 'Claude', file);
}
