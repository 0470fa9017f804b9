import { defineOption } from '../config/option-specs.js';
import { optionContext } from '../config/option-context.js';
import { defaultPinsFile } from '../config/options/pins-options.js';
import { creatableFilePath, single } from '../config/options/value-checks.js';
import type { Env } from '../config/read-env-options.js';
import { readOptionTokens } from '../config/read-option-tokens.js';
import { UsageError, USAGE_EXIT_CODE } from '../config/usage-error.js';
import {
  readPinFile,
  writePinFile,
  type PendingTool,
  type PinFile,
} from '../state/pins/pin-file.js';
import { canonicalJson, changedParts, PIN_PARTS } from '../state/pins/tool-digest.js';

export interface PinsIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Env;
}

const PINS_OPTION = defineOption({
  name: 'pins',
  valueName: '<file>',
  fromEnv: false,
  group: 'Pins',
  summary: 'the pin file (default: the one the shim uses for <server>)',
});
const JSON_OPTION = defineOption({
  name: 'json',
  kind: 'flag',
  fromEnv: false,
  group: 'Pins',
  summary: 'print the pin file as JSON (list)',
});

export const PINS_USAGE = `Usage:
  mcp-opa-shim pins list <server-id> [--pins <file>] [--json]
      The tools pinned for a server, and the definitions seen but not pinned: new tools and
      changed ones (hidden and denied by the default policy).
  mcp-opa-shim pins diff <server-id> [tool] [--pins <file>]
      What changed: each differing part, as pinned and as the server now lists it.
  mcp-opa-shim pins accept <server-id> [tool] [--pins <file>]
      Pins the definitions seen (all of them, or one tool's) after you have reviewed them; a
      running shim takes them up at its next listing.
  Pin files: $XDG_STATE_HOME/mcp-opa-shim/pins/<server-id>.json (default ~/.local/state/...);
  a shim started with \`--pins <file>\` needs the same \`--pins\` here. See docs/pinning.md.
`;

type Action = 'list' | 'diff' | 'accept';

/** `mcp-opa-shim pins`: exit 0; 1 when the pin file is missing or unreadable; 2 for bad usage. */
export function runPins(argv: readonly string[], io: PinsIo): number {
  try {
    const tokens = readOptionTokens(argv, [PINS_OPTION, JSON_OPTION], {
      positionals: 'collect',
      usage: 'mcp-opa-shim pins',
    });
    if (tokens.special !== undefined) {
      io.stdout.write(PINS_USAGE);
      return 0;
    }
    const [rawAction, server, tool, ...extra] = tokens.rest;
    const action = checkAction(rawAction);
    if (server === undefined || server === '' || extra.length > 0 || (action === 'list' && tool)) {
      throw new UsageError(
        `Expected \`mcp-opa-shim pins ${action} <server-id>${action === 'list' ? '' : ' [tool]'}\`, got \`${tokens.rest.join(' ')}\`; run \`mcp-opa-shim pins --help\`.`,
      );
    }
    const context = optionContext(io.env);
    const rawFile = single(tokens.options, 'pins');
    const file =
      rawFile === undefined
        ? defaultPinsFile(server, context)
        : creatableFilePath(rawFile, context);
    const pins = readPinFile(file);
    if (pins === undefined) {
      io.stderr.write(
        `mcp-opa-shim: no pin file for server \`${server}\` at \`${file}\`: the shim writes it at the server's first tool listing. Pass the shim's \`--pins <file>\` if it was started with one.\n`,
      );
      return 1;
    }
    const json = single(tokens.options, 'json') !== undefined;
    if (action === 'list')
      io.stdout.write(json ? `${JSON.stringify(pins, null, 2)}\n` : listText(pins, file));
    else if (action === 'diff') io.stdout.write(diffText(pins, selected(pins, tool)));
    else io.stdout.write(accept(pins, file, selected(pins, tool)));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`mcp-opa-shim: ${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    io.stderr.write(`mcp-opa-shim: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function checkAction(raw: string | undefined): Action {
  if (raw === 'list' || raw === 'diff' || raw === 'accept') return raw;
  throw new UsageError(
    `Expected \`list\`, \`diff\` or \`accept\` after \`mcp-opa-shim pins\`, got \`${raw ?? ''}\`; run \`mcp-opa-shim pins --help\`.`,
  );
}

/** The pending definitions to show or accept: every one, or the named tool's. */
function selected(pins: PinFile, tool: string | undefined): PendingTool[] {
  const pending = Object.values(pins.pending);
  if (tool === undefined) return pending;
  const found = pins.pending[tool];
  if (found !== undefined) return [found];
  const known = pins.tools[tool] === undefined ? 'not a tool of this server' : 'pinned as listed';
  throw new UsageError(
    `Expected a tool with a definition awaiting acceptance, got \`${tool}\` (${known}); \`mcp-opa-shim pins list ${pins.server_id}\` shows them.`,
  );
}

function statusOf(pins: PinFile, seen: PendingTool): string {
  const pinned = pins.tools[seen.name];
  return pinned === undefined ? 'new' : `changed: ${changedParts(pinned, seen).join(', ')}`;
}

function listText(pins: PinFile, file: string): string {
  const lines = [`Pins of server \`${pins.server_id}\` (${file}):`];
  for (const [name, tool] of Object.entries(pins.tools).sort(byName)) {
    const pending = pins.pending[name];
    const note = pending === undefined ? '' : `  (${statusOf(pins, pending)})`;
    lines.push(`  ${name}  pinned ${tool.pinned_at}  ${tool.sha256.slice(0, 12)}${note}`);
  }
  for (const [name, seen] of Object.entries(pins.pending).sort(byName)) {
    if (pins.tools[name] === undefined) lines.push(`  ${name}  new, seen ${seen.seen_at}`);
  }
  const waiting = Object.keys(pins.pending).length;
  lines.push(
    waiting === 0
      ? 'Nothing awaits acceptance.'
      : `${String(waiting)} definition(s) await acceptance: \`mcp-opa-shim pins diff ${pins.server_id}\`.`,
  );
  return `${lines.join('\n')}\n`;
}

function diffText(pins: PinFile, pending: readonly PendingTool[]): string {
  if (pending.length === 0) return 'Nothing awaits acceptance.\n';
  const lines: string[] = [];
  for (const seen of pending) {
    const pinned = pins.tools[seen.name];
    lines.push(`${seen.name}: ${statusOf(pins, seen)} (seen ${seen.seen_at})`);
    const parts = pinned === undefined ? PIN_PARTS : changedParts(pinned, seen);
    for (const part of parts) {
      lines.push(`  ${part}:`);
      if (pinned !== undefined) lines.push(`    - ${shown(pinned.definition[part])}`);
      lines.push(`    + ${shown(seen.definition[part])}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A part as text: a description as written, anything else as canonical JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value);
}

function accept(pins: PinFile, file: string, pending: readonly PendingTool[]): string {
  if (pending.length === 0) return 'Nothing awaits acceptance.\n';
  const tools = { ...pins.tools };
  const names = new Set<string>();
  const lines: string[] = [];
  for (const { seen_at: _seenAt, ...digest } of pending) {
    lines.push(`accepted ${digest.name} (${statusOf(pins, { ...digest, seen_at: _seenAt })})`);
    tools[digest.name] = { ...digest, pinned_at: new Date().toISOString() };
    names.add(digest.name);
  }
  const rest = Object.fromEntries(Object.entries(pins.pending).filter(([n]) => !names.has(n)));
  writePinFile(file, { ...pins, tools, pending: rest });
  return `${lines.join('\n')}\n`;
}

function byName([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
