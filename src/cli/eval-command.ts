import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { PolicyConfig } from '../config/config.js';
import type { PolicyInput } from '../core/policy-input.js';
import { createPolicyEngine } from '../policy/create-policy-engine.js';
import { PolicyLoadError, thrownText } from '../policy/policy-load-error.js';

export interface EvalOptions {
  readonly policyConfig: PolicyConfig;
  /** A file, or `-` for stdin. */
  readonly inputPath: string;
  /** A deny exits 0 instead of EXIT_DENIED. */
  readonly exitZero?: boolean;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A deny is a failure for scripts and CI (`--exit-zero` opts out). */
export const EXIT_DENIED = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_POLICY_FAILED = 78;

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** `mcp-opa-shim eval --input <file|->`: prints the normalised decision for one policy input. */
export async function runEval(options: EvalOptions): Promise<number> {
  const { inputPath, stderr } = options;
  const fail = (code: number, message: string): number => {
    stderr.write(`mcp-opa-shim eval: ${message}\n`);
    return code;
  };

  let text: string;
  try {
    text = inputPath === '-' ? await readAll(options.stdin) : await readFile(inputPath, 'utf8');
  } catch (thrown) {
    return fail(
      EXIT_BAD_INPUT,
      `Cannot read \`--input\` file \`${inputPath}\`: ${thrownText(thrown)}. Check the path, or pass \`-\` for stdin.`,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (thrown) {
    return fail(
      EXIT_BAD_INPUT,
      `Expected \`--input\` \`${inputPath}\` to be JSON: ${thrownText(thrown)}.`,
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(
      EXIT_BAD_INPUT,
      `Expected \`--input\` \`${inputPath}\` to hold a JSON object (a policy input, see docs/policy-input.md).`,
    );
  }

  let engine;
  try {
    engine = await createPolicyEngine({ ...options.policyConfig, watch: false });
  } catch (thrown) {
    if (thrown instanceof PolicyLoadError) return fail(EXIT_POLICY_FAILED, thrown.message);
    throw thrown;
  }
  try {
    // Hand-written inputs are passed as they are: the policy decides what it makes of them.
    const decision = engine.evaluate(input as PolicyInput);
    options.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    return decision.allow || options.exitZero === true ? 0 : EXIT_DENIED;
  } finally {
    engine.close();
  }
}
