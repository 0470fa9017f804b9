import type { Edit } from 'jsonc-parser';

const CONTEXT = 2;

/**
 * A unified diff of `text` and the result of `edits`, built from the edits themselves (the
 * changes are known exactly, so no line matching is needed). Lines touched by an edit are shown
 * as removed and added; up to two unchanged lines of context surround each hunk.
 */
export function editDiff(path: string, text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return '';
  const lineStarts = startsOfLines(text);
  const lines = text.split('\n');
  const spans = [...edits]
    .sort((a, b) => a.offset - b.offset)
    .map((edit) => ({
      edit,
      first: lineAt(lineStarts, edit.offset),
      last: lineAt(lineStarts, edit.offset + edit.length),
    }));
  const groups: (typeof spans)[] = [];
  for (const span of spans) {
    const group = groups.at(-1);
    const previous = group?.at(-1);
    if (group !== undefined && previous !== undefined && span.first - previous.last <= 2 * CONTEXT)
      group.push(span);
    else groups.push([span]);
  }
  const out = [`--- ${path}`, `+++ ${path}`];
  let shift = 0;
  for (const group of groups) {
    const first = group[0]?.first ?? 0;
    const last = group.at(-1)?.last ?? 0;
    const start = lineStarts[first] ?? 0;
    const stop = (lineStarts[last + 1] ?? text.length + 1) - 1;
    let changed = text.slice(start, stop);
    for (const { edit } of [...group].reverse()) {
      const at = edit.offset - start;
      changed = changed.slice(0, at) + edit.content + changed.slice(at + edit.length);
    }
    const removed = lines.slice(first, last + 1);
    const added = changed.split('\n');
    const before = lines.slice(Math.max(0, first - CONTEXT), first);
    const after = lines.slice(last + 1, Math.min(lines.length, last + 1 + CONTEXT));
    const oldStart = first - before.length + 1;
    const oldCount = before.length + removed.length + after.length;
    const newCount = before.length + added.length + after.length;
    out.push(
      `@@ -${String(oldStart)},${String(oldCount)} +${String(oldStart + shift)},${String(newCount)} @@`,
      ...before.map((line) => ` ${line}`),
      ...removed.map((line) => `-${line}`),
      ...added.map((line) => `+${line}`),
      ...after.map((line) => ` ${line}`),
    );
    shift += added.length - removed.length;
  }
  return `${out.join('\n')}\n`;
}

function startsOfLines(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line holding `offset` (binary search over line starts). */
function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
