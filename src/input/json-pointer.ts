/**
 * RFC 6901 JSON pointers, plus one extension for path arguments: a `*` token
 * matches every element of an array (or every member of an object).
 */

export interface PointedString {
  readonly pointer: string;
  readonly value: string;
}

/** Splits a pointer into unescaped tokens; undefined when it is not a pointer. */
export function parsePointer(pointer: string): readonly string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Every string the pointer reaches in `root`. A pointer that ends on an array
 * yields each string element (so `/paths` covers `paths[]`).
 */
export function collectStrings(
  root: unknown,
  tokens: readonly string[],
  prefix = '',
): PointedString[] {
  const found: PointedString[] = [];
  walk(root, tokens, 0, prefix, found);
  return found;
}

function walk(
  node: unknown,
  tokens: readonly string[],
  index: number,
  at: string,
  found: PointedString[],
): void {
  if (index === tokens.length) {
    if (typeof node === 'string') found.push({ pointer: at, value: node });
    else if (Array.isArray(node)) {
      node.forEach((item: unknown, position) => {
        if (typeof item === 'string') found.push({ pointer: `${at}/${position}`, value: item });
      });
    }
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const token = tokens[index] ?? '';
  if (token === '*') {
    for (const [key, child] of Object.entries(node))
      walk(child, tokens, index + 1, `${at}/${escapeToken(key)}`, found);
    return;
  }
  if (Array.isArray(node)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) return;
    walk(node[Number(token)], tokens, index + 1, `${at}/${token}`, found);
    return;
  }
  if (!Object.hasOwn(node, token)) return;
  walk(
    (node as Record<string, unknown>)[token],
    tokens,
    index + 1,
    `${at}/${escapeToken(token)}`,
    found,
  );
}
