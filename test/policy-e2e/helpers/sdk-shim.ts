import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from '../../e2e/helpers/launch.js';
import type { ScenarioClient } from '../../e2e/helpers/scenario-client.js';
import { connectV1 } from '../../e2e/helpers/v1-client.js';
import { SHIM } from '../../helpers/shim-process.js';
import type { AuditDecision } from './policy-shim.js';

export interface SdkShim {
  readonly client: ScenarioClient;
  auditDecisions(): AuditDecision[];
  close(): Promise<void>;
}

/**
 * A real v1 SDK client (with sampling, elicitation and roots handlers) connected through the
 * built shim running the default policy with `data`.
 */
export async function connectSdkThroughShim(options: {
  readonly data?: unknown;
  readonly args?: readonly string[];
  readonly server: readonly string[];
}): Promise<SdkShim> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-e2e-sdk-'));
  const auditPath = join(dir, 'audit.jsonl');
  const dataArgs: string[] = [];
  if (options.data !== undefined) {
    const dataPath = join(dir, 'data.json');
    writeFileSync(dataPath, JSON.stringify(options.data));
    dataArgs.push('--data', dataPath);
  }
  const args = [SHIM, ...dataArgs, '--audit-log', auditPath, ...(options.args ?? [])];
  const client = await connectV1({
    command: process.execPath,
    args: [...args, '--', ...options.server],
    env: testEnv(),
  });
  return {
    client,
    auditDecisions: () =>
      readFileSync(auditPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as AuditDecision)
        .filter((record) => record.type === 'decision'),
    close: async () => {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** All text of a tools/call result. */
export function resultText(result: unknown): string {
  const content = (result as { content?: { text?: string }[] }).content ?? [];
  return content.map((item) => item.text ?? '').join('\n');
}
