import { createHash } from 'node:crypto';
import type { ToolAnnotations, ToolPin } from '../core/policy-input.js';
import type { JsonObject } from '../core/json-rpc.js';

export interface CatalogTool {
  readonly name: string;
  readonly annotations: ToolAnnotations | undefined;
  readonly descriptionSha256: string | undefined;
  /** The tool against its pin when pinning is on (checked by the relay, src/state/pins). */
  readonly pin?: ToolPin;
}

const ANNOTATION_KEYS = [
  'title',
  'readOnlyHint',
  'destructiveHint',
  'idempotentHint',
  'openWorldHint',
] as const;

/**
 * Every tool the server ever advertised, as the shim saw it in `tools/list` results (before
 * filtering); a later listing updates an entry's annotations and description digest.
 */
export class ToolCatalog {
  private readonly tools = new Map<string, CatalogTool>();
  get(name: string): CatalogTool | undefined {
    return this.tools.get(name);
  }

  /** Records one listed tool (and its pin status, when pinning is on) and returns its entry. */
  observe(tool: JsonObject, pin?: ToolPin): CatalogTool | undefined {
    if (typeof tool.name !== 'string') return undefined;
    const entry: CatalogTool = {
      ...(pin === undefined ? {} : { pin }),
      name: tool.name,
      annotations: pickAnnotations(tool.annotations),
      descriptionSha256:
        typeof tool.description === 'string'
          ? createHash('sha256').update(tool.description).digest('hex')
          : undefined,
    };
    this.tools.set(tool.name, entry);
    return entry;
  }

  clear(): void {
    this.tools.clear();
  }
}

function pickAnnotations(raw: unknown): ToolAnnotations | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const source = raw as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of ANNOTATION_KEYS) {
    const value = source[key];
    if (typeof value === 'boolean' || (key === 'title' && typeof value === 'string'))
      picked[key] = value;
  }
  return picked;
}
