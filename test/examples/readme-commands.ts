/** A shell command a README shows, and the literal output it shows right after it (if any). */
export interface ShownCommand {
  readonly argv: string[];
  readonly output: string | undefined;
}

interface Block {
  readonly lang: string;
  readonly body: string;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    blocks.push({ lang: match[1] ?? '', body: match[2] ?? '' });
  }
  return blocks;
}

/** Splits a one-line command on spaces; quoting is not supported (the READMEs need none). */
function splitCommand(line: string): string[] {
  return line.trim().split(/\s+/);
}

/**
 * The `mcp-opa-shim eval ...` commands of a README (lines of ```sh blocks), each with the
 * ```json block that follows its ```sh block when that block is the command's output.
 */
export function shownEvalCommands(markdown: string): ShownCommand[] {
  const blocks = codeBlocks(markdown);
  const commands: ShownCommand[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'sh') return;
    const lines = block.body
      .split('\n')
      .map((line) => line.replace(/^\$ /, ''))
      .filter((line) => line.startsWith('mcp-opa-shim eval '));
    const next = blocks[index + 1];
    const output = lines.length === 1 && next?.lang === 'json' ? next.body : undefined;
    for (const line of lines) commands.push({ argv: splitCommand(line).slice(1), output });
  });
  return commands;
}

/** Every ```json block that is a client configuration (has `mcpServers`). */
export function shownClientConfigs(markdown: string): string[] {
  return codeBlocks(markdown)
    .filter((block) => block.lang === 'json' && block.body.includes('"mcpServers"'))
    .map((block) => block.body);
}
