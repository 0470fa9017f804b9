import { basename, dirname } from 'node:path';
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  type JSONPath,
  type Node,
  type ParseError,
} from 'jsonc-parser';

/**
 * What each MCP client's config file looks like: where its server map lives and how an entry
 * names its transport. Read-only; src/clients/rewrite-entries.ts edits the text.
 */
export type ClientFormat = 'claude-desktop' | 'claude-code' | 'cursor' | 'vscode' | 'generic';

export interface ServerEntry {
  name: string;
  /** The project path for `projects[path].mcpServers` in `~/.claude.json`; otherwise undefined. */
  scope: string | undefined;
  transport: 'stdio' | 'http' | 'sse';
  command: string | undefined;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string | undefined;
  /** Remote servers only. */
  url?: string | undefined;
  /** JSON path of the entry's object in the file, e.g. `['mcpServers', 'memory']`. */
  path: JSONPath;
}

/** A config file that is not JSON (with comments) or has no server map where its format puts it. */
export class ClientConfigError extends Error {}

/**
 * The format of a client config file, from its name first (`claude_desktop_config.json`,
 * `.mcp.json`, `.claude.json`, `.cursor/mcp.json`, `.vscode/mcp.json`), then from its keys.
 */
export function detectFormat(filePath: string, text: string): ClientFormat {
  const name = basename(filePath);
  const folder = basename(dirname(filePath));
  if (name === 'claude_desktop_config.json') return 'claude-desktop';
  if (name === '.mcp.json' || name === '.claude.json') return 'claude-code';
  if (name === 'mcp.json' && folder === '.cursor') return 'cursor';
  if (name === 'mcp.json' && folder === '.vscode') return 'vscode';
  const root = parseConfig(text);
  if (findNodeAtLocation(root, ['projects']) !== undefined) return 'claude-code';
  if (
    findNodeAtLocation(root, ['servers']) !== undefined &&
    findNodeAtLocation(root, ['mcpServers']) === undefined
  )
    return 'vscode';
  return 'generic';
}

/** Parses JSON with comments and trailing commas; throws `ClientConfigError` with line and column. */
export function parseConfig(text: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const offset = first?.offset ?? 0;
    const before = text.slice(0, offset).split('\n');
    const where = `line ${String(before.length)}, column ${String((before.at(-1)?.length ?? 0) + 1)}`;
    throw new ClientConfigError(`is not valid JSON (first error at ${where})`);
  }
  if (root.type !== 'object') throw new ClientConfigError('is not a JSON object');
  return root;
}

/** One server map in a file: its JSON path and, for `~/.claude.json` projects, the project path. */
export interface ServerMap {
  readonly path: JSONPath;
  readonly scope: string | undefined;
  readonly node: Node;
}

/**
 * Where the format keeps its servers. VS Code uses `servers`; the others `mcpServers`;
 * `~/.claude.json` also has one per project under `projects[path].mcpServers`. A generic file
 * may use either key.
 */
export function serverMaps(root: Node, format: ClientFormat): ServerMap[] {
  const keys =
    format === 'vscode'
      ? ['servers']
      : format === 'generic'
        ? ['mcpServers', 'servers']
        : ['mcpServers'];
  const maps: ServerMap[] = [];
  for (const key of keys) {
    const node = findNodeAtLocation(root, [key]);
    if (node?.type === 'object') maps.push({ path: [key], scope: undefined, node });
  }
  if (format === 'claude-code') {
    const projects = findNodeAtLocation(root, ['projects']);
    for (const property of projects?.type === 'object' ? (projects.children ?? []) : []) {
      const project = property.children?.[0]?.value as string;
      const node = findNodeAtLocation(root, ['projects', project, 'mcpServers']);
      if (node?.type === 'object')
        maps.push({ path: ['projects', project, 'mcpServers'], scope: project, node });
    }
  }
  return maps;
}

/** Every server entry in the file, in file order (map by map). */
export function readServerEntries(text: string, format: ClientFormat): ServerEntry[] {
  const root = parseConfig(text);
  return serverMaps(root, format).flatMap((map) =>
    (map.node.children ?? []).flatMap((property) => {
      const name = property.children?.[0]?.value as string;
      const value = property.children?.[1];
      if (value?.type !== 'object') return [];
      return [toEntry(name, map.scope, [...map.path, name], getNodeValue(value) as Raw)];
    }),
  );
}

type Raw = Record<string, unknown>;

function toEntry(name: string, scope: string | undefined, path: JSONPath, raw: Raw): ServerEntry {
  const command = typeof raw.command === 'string' ? raw.command : undefined;
  const url = typeof raw.url === 'string' ? raw.url : undefined;
  return {
    name,
    scope,
    transport: transportOf(raw.type, command, url),
    command,
    args: Array.isArray(raw.args) ? raw.args.filter((a): a is string => typeof a === 'string') : [],
    env: stringRecord(raw.env),
    cwd: typeof raw.cwd === 'string' ? raw.cwd : undefined,
    url,
    path,
  };
}

/**
 * `type` when the entry names one (Claude Code, VS Code); otherwise a `url` means a remote
 * server (Cursor and Claude Desktop entries carry no type) and a `command` a stdio one.
 */
function transportOf(
  type: unknown,
  command: string | undefined,
  url: string | undefined,
): ServerEntry['transport'] {
  if (type === 'sse') return 'sse';
  if (type === 'stdio') return 'stdio';
  if (typeof type === 'string' || (url !== undefined && command === undefined)) return 'http';
  return 'stdio';
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
  );
}
