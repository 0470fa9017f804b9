import { isJsonObject, type JsonObject } from '../core/json-rpc.js';
import type { InputContext } from './input-context.js';
import { collectStrings, parsePointer, type PointedString } from './json-pointer.js';
import type { ResolvedPath } from '../core/policy-input.js';
import { resolvePath } from './resolve-path.js';

/**
 * The path-like arguments of `@modelcontextprotocol/server-filesystem`'s tools
 * (read_text_file, write_file, edit_file, move_file, read_multiple_files…),
 * checked in every tool call whatever the server: a false alarm costs a deny,
 * a miss costs an escape.
 */
export const FILESYSTEM_POINTERS: readonly string[] = [
  '/path',
  '/paths',
  '/source',
  '/destination',
];

const parsedPointers = new Map<string, readonly string[]>();

function tokensOf(pointer: string): readonly string[] {
  let tokens = parsedPointers.get(pointer);
  if (tokens === undefined) {
    tokens = parsePointer(pointer) ?? [];
    parsedPointers.set(pointer, tokens);
  }
  return tokens;
}

/** Path-like tool or prompt arguments, read against each root when relative. */
export function resolveArgumentPaths(
  args: JsonObject | undefined,
  context: InputContext,
): ResolvedPath[] {
  if (args === undefined) return [];
  const seen = new Set<string>();
  const found: PointedString[] = [];
  for (const pointer of [...FILESYSTEM_POINTERS, ...context.pathPointers]) {
    for (const hit of collectStrings(args, tokensOf(pointer))) {
      if (seen.has(hit.pointer)) continue;
      seen.add(hit.pointer);
      found.push(hit);
    }
  }
  // server-filesystem reads a relative path against its allowed directories: each is a plausible base.
  const options = {
    roots: context.roots,
    bases: context.relativeBases,
    literalUris: true,
    home: context.serverHome,
  };
  return found.map((hit) => resolvePath(hit.pointer, hit.value, options));
}

/** A resource URI is a path only when it is a `file:` URI. */
export function resolveUriPath(
  pointer: string,
  uri: unknown,
  context: InputContext,
): ResolvedPath[] {
  if (typeof uri !== 'string' || !/^file:/i.test(uri)) return [];
  return [resolvePath(pointer, uri, { roots: context.roots, bases: [] })];
}

/** `subscriptions/listen`: each `file:` URI in `notifications.resourceSubscriptions`. */
export function resolveSubscriptionPaths(
  params: JsonObject | undefined,
  context: InputContext,
): ResolvedPath[] {
  if (params === undefined) return [];
  return collectStrings(params, SUBSCRIPTIONS).flatMap((hit) =>
    resolveUriPath(hit.pointer, hit.value, context),
  );
}

const SUBSCRIPTIONS = ['notifications', 'resourceSubscriptions'] as const;

/**
 * A client's `roots/list` answer: each `/roots/N/uri`. server-filesystem reads a
 * non-URI root as a path relative to its working directory: ours, unless the
 * command line may move it (`sh -c 'cd …'`), when relative roots are refused.
 */
export function resolveRootsAnswer(result: JsonObject, context: InputContext): ResolvedPath[] {
  if (!Array.isArray(result.roots)) return [];
  const cwd = context.serverCwd;
  const options = {
    roots: context.roots,
    bases: cwd === undefined ? undefined : [cwd],
    home: context.serverHome,
  };
  const resolved: ResolvedPath[] = [];
  (result.roots as unknown[]).forEach((root, index) => {
    const uri = isJsonObject(root) ? root.uri : undefined;
    const pointer = `/roots/${index}/uri`;
    resolved.push(
      typeof uri === 'string'
        ? resolvePath(pointer, uri, options)
        : { pointer, raw: '', within_roots: false },
    );
  });
  return resolved;
}
