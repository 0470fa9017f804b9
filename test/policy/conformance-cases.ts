import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyInput } from '../../src/core/policy-input.js';
import type { DataDocument } from '../../src/policy/merge-data.js';
import { REPO_ROOT } from './opa-cli.js';

export interface ConformanceCase {
  readonly file: string;
  readonly note: string;
  readonly input: PolicyInput;
  readonly data: DataDocument;
  readonly want: {
    allow: boolean;
    reasons: string[];
    message?: string;
    obligations?: Record<string, unknown>;
  };
}

const CASES_DIR = join(REPO_ROOT, 'test', 'policy', 'cases');
const BASE_INPUT = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'policy', 'base-input.json'), 'utf8'),
) as DataDocument;

/** Every case in test/policy/cases/*.json; each `input` replaces top-level keys of base-input.json. */
export function loadCases(): ConformanceCase[] {
  return readdirSync(CASES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const raw = JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as {
        note: string;
        input: DataDocument;
        data?: DataDocument;
        want: ConformanceCase['want'];
      }[];
      return raw.map((c) => ({
        file,
        note: c.note,
        input: { ...BASE_INPUT, ...c.input } as unknown as PolicyInput,
        data: c.data ?? {},
        want: c.want,
      }));
    });
}
