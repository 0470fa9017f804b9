import { createHash } from 'node:crypto';
import type { PolicyRevision } from '../core/decision.js';
import type { InputKeys } from './project-input.js';

// What load-policy.ts and the lazily imported load-rules.ts share, here so that neither imports
// the other (they would form an import cycle).

/** The compiled policy, bundle data (if any), and where it came from. */
export interface LoadedPolicySource {
  readonly wasm: Uint8Array;
  readonly bundleData?: Readonly<Record<string, unknown>>;
  readonly revision: PolicyRevision;
  /** The JSON Schema its data must match: the default policy's, or a bundle's `/data.schema.json`. */
  readonly dataSchema?: Readonly<Record<string, unknown>>;
  /** Where a bundle's schema is (`/data.schema.json`, or the manifest of a `build` bundle). */
  readonly dataSchemaAt?: string;
  /** The only input keys the policy reads, when its build recorded them (the embedded one). */
  readonly inputKeys?: InputKeys;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
