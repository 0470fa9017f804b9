import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unwrapEntries, wrapEntries, type WrapPlan } from '../../src/clients/rewrite-entries.js';
import { readServerEntries } from '../../src/clients/server-entries.js';
import { parseWrappedCommand } from '../../src/clients/wrapped-command.js';

const plan = (shimArgs: readonly string[]): WrapPlan => ({
  shimCommand: '/opt/shim/bin/mcp-opa-shim',
  launcherArgs: [],
  shimArgsFor: () => shimArgs,
});

/** A string spelled as a JSON token in one of the ways people and tools write it. */
const spelledString = fc
  .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.boolean())
  .map(([value, escapeAll]) => ({
    value,
    token: escapeAll
      ? `"${value
          .split('')
          .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .join('')}"`
      : JSON.stringify(value),
  }));

const layout = fc.constantFrom('one-line', 'compact', 'inline', 'one-per-line', 'tabs');

interface EntryText {
  command: { value: string; token: string };
  args: string[] | undefined;
  layout: string;
  env: boolean;
  comment: boolean;
}

/** An entry as a client might write it: args absent, empty or not, laid out several ways. */
const entryText = fc.record({
  command: spelledString,
  args: fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), { nil: undefined }),
  layout,
  env: fc.boolean(),
  comment: fc.boolean(),
});

function render(entry: EntryText): string {
  const { command, args, layout: style, env, comment } = entry;
  const oneLine = style === 'compact' || style === 'one-line';
  const nl = oneLine ? '' : '\n';
  const indent = style === 'tabs' ? '\t\t' : oneLine ? '' : '    ';
  const sep = style === 'compact' ? ',' : style === 'one-line' ? ', ' : `,${nl}${indent}`;
  const arrayText =
    args === undefined
      ? undefined
      : style === 'one-per-line' && args.length > 0
        ? `[\n${args.map((a) => `      ${JSON.stringify(a)}`).join(',\n')}\n    ]`
        : `[${args.map((a) => JSON.stringify(a)).join(style === 'compact' ? ',' : ', ')}]`;
  const members = [
    `"command": ${command.token}${comment ? ' /* the server */' : ''}`,
    ...(arrayText === undefined ? [] : [`"args": ${arrayText}`]),
    ...(env ? ['"env": {"TOKEN": "t"}'] : []),
    '"x-unknown": [1, {"keep": true}]',
  ];
  return `{${nl}  "mcpServers": {${nl}  "s": {${nl}${indent}${members.join(sep)}${nl}  }${nl}  }${nl}}${nl}`;
}

describe('wrapEntries / unwrapEntries', () => {
  it('round-trips any entry byte for byte and hands the server the same command and args', () => {
    fc.assert(
      fc.property(
        entryText,
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
        (entry, raw) => {
          const text = render(entry);
          const shimArgs = raw.map((value) => `--principal=${value}`);
          const wrapped = wrapEntries(text, 'generic', plan(shimArgs));
          const [after] = readServerEntries(wrapped.text, 'generic');
          expect(after?.env).toEqual(entry.env ? { TOKEN: 't' } : {});
          expect(parseWrappedCommand(after?.command ?? '', after?.args ?? [])).toMatchObject({
            shimArgs,
            serverCommand: entry.command.value,
            serverArgs: entry.args ?? [],
          });
          expect(wrapEntries(wrapped.text, 'generic', plan(shimArgs)).text).toBe(wrapped.text);
          const unwrapped = unwrapEntries(wrapped.text, 'generic').text;
          // The one spelling wrap cannot tell from its own: `"command": …, "args": []` on one
          // line comes back without the empty args (the same entry to every client).
          const ambiguous =
            entry.args?.length === 0 && entry.layout === 'one-line' && !entry.comment;
          expect(unwrapped).toBe(ambiguous ? text.replace(', "args": []', '') : text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a byte-order mark', () => {
    const text = '\uFEFF{"mcpServers": {"s": {"command": "node", "args": ["a"]}}}\r\n';
    const wrapped = wrapEntries(text, 'generic', plan(['--audit-stderr']));
    expect(wrapped.text.startsWith('\uFEFF{"mcpServers": {"s": {"command": "/opt/')).toBe(true);
    expect(unwrapEntries(wrapped.text, 'generic').text).toBe(text);
  });

  it('leaves an entry alone when its args are not all strings', () => {
    const text = '{"mcpServers": {"s": {"command": "node", "args": ["a", 1]}}}';
    const result = wrapEntries(text, 'generic', plan([]));
    expect(result.text).toBe(text);
    expect(result.outcomes[0]).toMatchObject({
      kind: 'unchanged',
      reason: 'not wrapped: its `args` is not a list of strings',
    });
  });

  it('unwraps an entry wrapped by hand with `npx -y mcp-opa-shim`', () => {
    const text =
      '{"mcpServers": {"s": {"command": "npx", "args": ["-y", "mcp-opa-shim", "--root", "/p", "--", "uvx", "srv"]}}}';
    expect(unwrapEntries(text, 'generic').text).toBe(
      '{"mcpServers": {"s": {"command": "uvx", "args": ["srv"]}}}',
    );
  });
});
