import fc from 'fast-check';

/**
 * How the adversarial properties are sized and replayed, from the environment:
 * - `ADVERSARIAL_CASES`: generated cases per property (long mode, e.g. 1000000); unset = quick mode.
 * - `ADVERSARIAL_SEED`: the fast-check seed to replay (printed by every run).
 * - `ADVERSARIAL_PATH`: the fast-check path of a failure (printed with it), to replay only that case.
 */
export const seed: number =
  process.env['ADVERSARIAL_SEED'] === undefined
    ? (Date.now() ^ (Math.random() * 0x100000000)) | 0
    : Number(process.env['ADVERSARIAL_SEED']);

const rawCases = process.env['ADVERSARIAL_CASES'];
export const longMode = rawCases !== undefined && rawCases !== '';

/** Generated cases this property runs: `quick` in quick mode, `ADVERSARIAL_CASES` in long mode. */
export function caseBudget(quick: number): number {
  if (!longMode) return quick;
  const cases = Number(rawCases);
  if (!Number.isSafeInteger(cases) || cases < 1) {
    throw new Error(
      `Expected \`ADVERSARIAL_CASES\` to be a positive integer, got \`${String(rawCases)}\`; unset it for quick mode.`,
    );
  }
  return cases;
}

/** A vitest timeout for a property: generous in quick mode, none in long mode. */
export const propertyTimeout = (): number => (longMode ? 0 : 600_000);

/** Counts the inner cases a property ran (one fast-check run may hold many cases). */
export class CaseCounter {
  cases = 0;
  runs = 0;
  readonly started = Date.now();
}

/**
 * Runs `property` with the suite's seed and prints (stderr) the name, seed, runs, cases and time, so
 * a failure can be replayed with `ADVERSARIAL_SEED=<seed> ADVERSARIAL_PATH=<path>`.
 */
export async function checkProperty<Ts>(
  name: string,
  property: fc.IAsyncProperty<Ts>,
  numRuns: number,
  counter: CaseCounter,
): Promise<void> {
  const replayPath = process.env['ADVERSARIAL_PATH'];
  process.stderr.write(`[adversarial] ${name}: seed ${seed}, ${numRuns} runs planned\n`);
  try {
    await fc.assert(property, {
      seed,
      numRuns,
      ...(replayPath === undefined ? {} : { path: replayPath }),
      endOnFailure: process.env['ADVERSARIAL_NO_SHRINK'] === '1',
    });
  } finally {
    const seconds = ((Date.now() - counter.started) / 1000).toFixed(1);
    process.stderr.write(
      `[adversarial] ${name}: seed ${seed}: ${counter.runs} runs, ${counter.cases} cases in ${seconds} s\n`,
    );
  }
}
