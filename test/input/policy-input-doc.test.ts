import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDocExamples } from './helpers/doc-examples.js';

/**
 * The JSON examples in docs/policy-input.md are the builder's real output.
 * `UPDATE_DOC_EXAMPLES=1 npx vitest run test/input/policy-input-doc.test.ts` rewrites them.
 */
const DOC = new URL('../../docs/policy-input.md', import.meta.url);
const BLOCK = /<!-- example:([a-z-]+) -->\n```json\n([\s\S]*?)```/g;

const OPERATION_TYPES = [
  'lifecycle',
  'ping',
  'tool',
  'resource',
  'prompt',
  'completion',
  'logging',
  'sampling',
  'elicitation',
  'roots',
  'task',
  'subscription',
  'notification',
  'other',
];

function render(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

describe('docs/policy-input.md', () => {
  const { examples } = buildDocExamples();
  let doc = readFileSync(DOC, 'utf8');
  if (process.env.UPDATE_DOC_EXAMPLES === '1') {
    doc = doc.replace(BLOCK, (whole, name: string) => {
      const value = examples.get(name);
      return value === undefined
        ? whole
        : `<!-- example:${name} -->\n\`\`\`json\n${render(value)}\`\`\``;
    });
    writeFileSync(DOC, doc);
  }
  const blocks = new Map([...doc.matchAll(BLOCK)].map((match) => [match[1] ?? '', match[2] ?? '']));

  it.each([...examples.keys()])('shows the current builder output for the %s example', (name) => {
    const block = blocks.get(name);
    expect(block, `docs/policy-input.md has no example:${name} block`).toBeDefined();
    expect(JSON.parse(block ?? 'null')).toEqual(examples.get(name));
  });

  it('has no example the builder does not produce', () => {
    expect([...blocks.keys()].filter((name) => !examples.has(name))).toEqual([]);
  });

  it('has an example for every operation type', () => {
    const types = new Set(
      [...examples.values()].map(
        (example) => (example as { operation: { type: string } }).operation.type,
      ),
    );
    expect([...types].sort()).toEqual([...OPERATION_TYPES].sort());
  });
});
