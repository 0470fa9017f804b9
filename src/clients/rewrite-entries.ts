import { applyEdits, type Edit, type Node } from 'jsonc-parser';
import {
  parseConfig,
  readServerEntries,
  serverMaps,
  type ClientFormat,
  type ServerEntry,
} from './server-entries.js';
import { parseWrappedCommand } from './wrapped-command.js';

/**
 * Wraps and unwraps entries by editing the text in place: only the `command` value and the head
 * of `args` change, so comments, unknown keys, key order and formatting stay as they were.
 *
 * Wrapping moves the original `command` token, byte for byte, into `args` after the shim's
 * options and `--`, and inserts those before the first original argument. Unwrapping moves that
 * token back and deletes what was inserted, so an untouched entry comes back exactly. An entry
 * without `args` gets one right after `command` (`"command": …, "args": [...]`), which unwrap
 * removes again when nothing follows the server command.
 */

export type EntryOutcome =
  | { readonly kind: 'wrapped'; readonly entry: ServerEntry; readonly shimArgs: readonly string[] }
  | { readonly kind: 'unwrapped'; readonly entry: ServerEntry }
  /** Left as it was, with the reason (already wrapped, a remote server, not selected, …). */
  | { readonly kind: 'unchanged'; readonly entry: ServerEntry; readonly reason: string };

export interface Rewrite {
  readonly text: string;
  readonly edits: readonly Edit[];
  readonly outcomes: readonly EntryOutcome[];
}

export interface WrapPlan {
  /** What the entry's `command` becomes, e.g. the absolute path of the installed bin. */
  readonly shimCommand: string;
  /** Arguments before the shim's options, e.g. the bin's path when `shimCommand` is `node`. */
  readonly launcherArgs: readonly string[];
  /** The shim options for this entry; undefined leaves the entry alone (not selected). */
  shimArgsFor(entry: ServerEntry): readonly string[] | undefined;
}

interface Located {
  readonly entry: ServerEntry;
  readonly object: Node;
}

export function wrapEntries(text: string, format: ClientFormat, plan: WrapPlan): Rewrite {
  const edits: Edit[] = [];
  const outcomes = locate(text, format).map(({ entry, object }): EntryOutcome => {
    const unchanged = (reason: string): EntryOutcome => ({ kind: 'unchanged', entry, reason });
    if (entry.transport !== 'stdio') return unchanged(remoteReason(entry));
    const command = valueOf(object, 'command');
    if (entry.command === undefined || command?.type !== 'string')
      return unchanged('not wrapped: it has no `command` string');
    if (parseWrappedCommand(entry.command, entry.args) !== undefined)
      return unchanged('already wrapped (run `unwrap` first to change its shim options)');
    const args = valueOf(object, 'args');
    if (args !== undefined && !isStringArray(args))
      return unchanged('not wrapped: its `args` is not a list of strings');
    const shimArgs = plan.shimArgsFor(entry);
    if (shimArgs === undefined) return unchanged('not selected by `--only`');
    const items = [...plan.launcherArgs, ...shimArgs, '--']
      .map((arg) => JSON.stringify(arg))
      .concat(slice(text, command));
    edits.push({
      offset: command.offset,
      length: command.length,
      content: JSON.stringify(plan.shimCommand),
    });
    const first = args?.children?.[0];
    if (args === undefined) {
      edits.push({ offset: end(command), length: 0, content: `, "args": [${items.join(', ')}]` });
    } else if (first === undefined) {
      edits.push({ offset: args.offset + 1, length: 0, content: items.join(', ') });
    } else {
      const separator = separatorOf(text, args);
      edits.push({ offset: first.offset, length: 0, content: items.join(separator) + separator });
    }
    return { kind: 'wrapped', entry, shimArgs };
  });
  return { text: applyEdits(text, edits), edits, outcomes };
}

export function unwrapEntries(
  text: string,
  format: ClientFormat,
  selected: (entry: ServerEntry) => boolean = () => true,
): Rewrite {
  const edits: Edit[] = [];
  const outcomes = locate(text, format).map(({ entry, object }): EntryOutcome => {
    const unchanged = (reason: string): EntryOutcome => ({ kind: 'unchanged', entry, reason });
    if (entry.transport !== 'stdio') return unchanged(remoteReason(entry));
    const wrapped =
      entry.command === undefined ? undefined : parseWrappedCommand(entry.command, entry.args);
    if (wrapped === undefined) return unchanged('not wrapped by the shim');
    if (!selected(entry)) return unchanged('not selected by `--only`');
    const command = valueOf(object, 'command');
    const args = valueOf(object, 'args');
    const elements = args?.children ?? [];
    const server = elements[wrapped.serverCommandIndex];
    if (command === undefined || args === undefined || server === undefined)
      return unchanged('cannot unwrap: no server command follows the shim options');
    const firstElement = elements[0] ?? server;
    edits.push({ offset: command.offset, length: command.length, content: slice(text, server) });
    const rest = elements[wrapped.serverCommandIndex + 1];
    if (rest !== undefined) {
      edits.push({
        offset: firstElement.offset,
        length: rest.offset - firstElement.offset,
        content: '',
      });
    } else if (addedByWrap(text, command, args)) {
      edits.push({ offset: end(command), length: end(args) - end(command), content: '' });
    } else {
      edits.push({
        offset: firstElement.offset,
        length: end(server) - firstElement.offset,
        content: '',
      });
    }
    return { kind: 'unwrapped', entry };
  });
  return { text: applyEdits(text, edits), edits, outcomes };
}

function locate(text: string, format: ClientFormat): Located[] {
  const root = parseConfig(text);
  const objects = serverMaps(root, format).flatMap((map) =>
    (map.node.children ?? []).flatMap((property) => {
      const value = property.children?.[1];
      return value?.type === 'object' ? [value] : [];
    }),
  );
  // readServerEntries walks the same maps in the same order and skips the same non-objects.
  return readServerEntries(text, format).map((entry, i) => ({
    entry,
    object: objects[i] as Node,
  }));
}

/**
 * Whether `args` is the `, "args": [...]` wrap adds after `command` when an entry has none:
 * exactly that text, elements joined by `, `. (An entry that had `"command": …, "args": []`
 * written exactly so comes back without its empty `args`, which clients read the same.)
 */
function addedByWrap(text: string, command: Node, args: Node): boolean {
  const elements = args.children ?? [];
  const joined = elements.map((element) => slice(text, element)).join(', ');
  return (
    text.slice(end(command), args.parent?.offset) === ', ' &&
    text.slice(args.parent?.offset, args.offset) === '"args": ' &&
    slice(text, args) === `[${joined}]`
  );
}

function remoteReason(entry: ServerEntry): string {
  const where = entry.url === undefined ? '' : ` at ${entry.url}`;
  return `not wrapped: a remote ${entry.transport.toUpperCase()} server${where}; the shim sits on a local server's stdin and stdout, which a remote server does not have`;
}

/** The value node of `key` (the last one, as JSON parsers keep the last duplicate). */
function valueOf(object: Node, key: string): Node | undefined {
  const properties = (object.children ?? []).filter((p) => p.children?.[0]?.value === key);
  return properties.at(-1)?.children?.[1];
}

function isStringArray(node: Node): boolean {
  return node.type === 'array' && (node.children ?? []).every((c) => c.type === 'string');
}

/** Keeps the array's own layout: one element per line stays one per line. */
function separatorOf(text: string, array: Node): string {
  const [first, second] = array.children ?? [];
  if (first !== undefined && second !== undefined) {
    const between = text.slice(end(first), second.offset);
    if (/^\s*,\s*$/.test(between)) return between;
  }
  const lead = first === undefined ? '' : text.slice(array.offset + 1, first.offset);
  return /^\s*\n\s*$/.test(lead) ? `,${lead}` : ', ';
}

function slice(text: string, node: Node): string {
  return text.slice(node.offset, end(node));
}

function end(node: Node): number {
  return node.offset + node.length;
}
