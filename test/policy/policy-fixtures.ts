import { join } from 'node:path';
import type { PolicyInput } from '../../src/core/policy-input.js';
import { REPO_ROOT } from './opa-cli.js';
import baseInput from './base-input.json' with { type: 'json' };

export const FIXTURE_POLICIES = join(REPO_ROOT, 'test', 'fixtures', 'policies');

export function fixturePolicy(name: string): string {
  return join(FIXTURE_POLICIES, `${name}.rego`);
}

/** base-input.json with top-level keys replaced. */
export function policyInput(patch: Record<string, unknown> = {}): PolicyInput {
  return { ...baseInput, ...patch } as unknown as PolicyInput;
}
