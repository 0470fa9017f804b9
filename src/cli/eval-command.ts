import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { PolicyConfig } from '../config/config.js';
import type { PolicyInput } from '../core/policy-input.js';
import { loadEngine } from '../policy/load-engine.js';
import { PolicyLoadError, thrownText } from '../policy/policy-load-error.js';
import { CONFIG_EXIT_CODE } from '../config/usage-error.js';

export interface EvalOptions {
  readonly policyConfig: PolicyConfig;
  /** A file, or `-` for stdin; undefined with `fromAudit`. */
  readonly inputPath: string | undefined;
  /** The input of the decision record with this `seq` in an audit log. */
  readonly fromAudit?: { readonly path: string; readonly seq: number } | undefined;
  /** A deny exits 0 instead of EXIT_DENIED. */
  readonly exitZero?: boolean;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A deny is a failure for scripts and CI (`--exit-zero` opts out). */
export const EXIT_DENIED = 1;
const EXIT_BAD_INPUT = 2;

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

  let input: unknown;
  if (options.fromAudit !== undefined) {
    const found = await inputFromAudit(options.fromAudit.path, options.fromAudit.seq);
    if (typeof found === 'string') return fail(EXIT_BAD_INPUT, found);
    input = found.input;
  } else {
    let text: string;
    try {
      text =
        inputPath === '-' ? await readAll(options.stdin) : await readFile(inputPath ?? '', 'utf8');
    } catch (thrown) {
      return fail(
        EXIT_BAD_INPUT,
        `Cannot read \`--input\` file \`${inputPath ?? ''}\`: ${thrownText(thrown)}. Check the path, or pass \`-\` for stdin.`,
      );
    }
    try {
      input = JSON.parse(text);
    } catch (thrown) {
      return fail(
        EXIT_BAD_INPUT,
        `Expected \`--input\` \`${inputPath ?? ''}\` to be JSON: ${thrownText(thrown)}.`,
      );
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return fail(
        EXIT_BAD_INPUT,
        `Expected \`--input\` \`${inputPath ?? ''}\` to hold a JSON object (a policy input, see docs/policy-input.md).`,
      );
    }
  }

  let engine;
  try {
    engine = await loadEngine({ ...options.policyConfig, watch: false }, (line) => {
      // Rego print() output, as `opa eval` shows it: on stderr, stdout keeps the decision.
      stderr.write(`${line.location === undefined ? '' : `${line.location}: `}${line.message}\n`);
    });
  } catch (thrown) {
    if (thrown instanceof PolicyLoadError) return fail(CONFIG_EXIT_CODE, thrown.message);
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

/**
 * The policy input of the decision record with `seq` in an audit log, or why there is none.
 * The input is as recorded: masked fields stay masked (docs/audit.md).
 */
async function inputFromAudit(path: string, seq: number): Promise<{ input: object } | string> {
  const { readAuditRecords } = await import('../offline/read-audit-records.js');
  try {
    for await (const { record } of readAuditRecords([path])) {
      if (record.seq !== seq) continue;
      if (record.type !== 'decision')
        return `Record \`seq\` ${String(seq)} of \`--from-audit\` \`${path}\` is a \`${record.type}\` record, which has no policy input; pick a decision record (\`"type":"decision"\`).`;
      if (record.input === null)
        return `Record \`seq\` ${String(seq)} of \`--from-audit\` \`${path}\` has its input erased by masking (\`system.log.mask\`): there is nothing to evaluate.`;
      return { input: record.input };
    }
  } catch (thrown) {
    return `Cannot read \`--from-audit\` file \`${path}\`: ${thrownText(thrown)}. Check the path.`;
  }
  return `No record with \`seq\` ${String(seq)} in \`--from-audit\` \`${path}\`; each line of the log has its \`seq\`: each line of the log carries its \`seq\`.`;
}
