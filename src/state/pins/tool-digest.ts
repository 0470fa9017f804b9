import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { JsonObject } from '../../core/json-rpc.js';
import type { PinPart } from '../../core/policy-input.js';

/** The parts of a tool's definition a pin covers, in the order a change is named. */
export const PIN_PARTS: readonly PinPart[] = [
  'description',
  'input_schema',
  'output_schema',
  'annotations',
];

const SOURCE_KEYS: Readonly<Record<PinPart, string>> = {
  description: 'description',
  input_schema: 'inputSchema',
  output_schema: 'outputSchema',
  annotations: 'annotations',
};

/** One tool's definition as pinned: each part as listed (null when absent) and the digests. */
export interface ToolDigest {
  readonly name: string;
  /** sha256 (hex) of the canonical JSON of `definition`. */
  readonly sha256: string;
  /** sha256 (hex) of each part's canonical JSON. */
  readonly parts: Readonly<Record<PinPart, string>>;
  /** The parts themselves, so that `pins diff` can show what changed. */
  readonly definition: Readonly<Record<PinPart, unknown>>;
}

/**
 * Canonical JSON (keys sorted, no whitespace): a server that reorders keys or re-indents its
 * schema has not changed its tool.
 */
export function canonicalJson(value: unknown): string {
  return stringify(value ?? null);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The digest of one listed tool; undefined when it has no string name. */
export function digestTool(tool: JsonObject): ToolDigest | undefined {
  if (typeof tool.name !== 'string') return undefined;
  const definition = {} as Record<PinPart, unknown>;
  const parts = {} as Record<PinPart, string>;
  for (const part of PIN_PARTS) {
    const value = tool[SOURCE_KEYS[part]] ?? null;
    definition[part] = value;
    parts[part] = sha256(canonicalJson(value));
  }
  return { name: tool.name, sha256: sha256(canonicalJson(definition)), parts, definition };
}

/** The parts whose digests differ, in PIN_PARTS order. */
export function changedParts(pinned: ToolDigest, seen: ToolDigest): PinPart[] {
  return PIN_PARTS.filter((part) => pinned.parts[part] !== seen.parts[part]);
}
