import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FIXTURES, ShimProcess } from '../helpers/shim-process.js';
import { stringsOf } from './helpers/json-strings.js';
import { CaseCounter, caseBudget, checkProperty, propertyTimeout } from './helpers/property-run.js';
import { LongSession } from './helpers/recorder-session.js';

// Quick mode: 120 emissions. A run starts one shim (its secrets are fixed at start) for many emissions.
const CASES = caseBudget(120);
const SECRETS_PER_RUN = 4;
const EMISSIONS_PER_RUN = 30;

const POSITIONS = [
  'result-text',
  'structured',
  'key',
  'error-message',
  'error-data',
  'notification',
  'meta',
];

/** Letters plus what encoders escape or mangle: `_ / & < > " \`, controls, non-ASCII, astral. */
const ALPHABET = [
  ...Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
  '_',
  '/',
  '&',
  '<',
  '>',
  '"',
  '\\',
  '-',
  '+',
  '=',
  '.',
  ' ',
  '\t',
  '\n',
  "'",
  '%',
  '\u00e9',
  '\u00df',
  '\u0436',
  '\u4e2d',
  '\u2028',
  '\ufeff',
  '\u{1f600}',
  '\u{1d49c}',
];
const secretArbitrary = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 8, maxLength: 20 })
  .map((chars) => chars.join(''));

const emissionArbitrary = fc.record({
  index: fc.nat(SECRETS_PER_RUN - 1),
  position: fc.constantFrom(...POSITIONS),
  choices: fc.array(fc.nat(3), { minLength: 1, maxLength: 12 }),
});

/** Every JSON string (values and keys) of every line, decoded; for non-JSON lines also the text. */
function decodedTexts(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const strings = stringsOf(line);
    if (strings.length > 0) return strings;
    // Not JSON (a server's stderr line): decode any JSON escapes it may carry.
    try {
      return [line, JSON.parse(`"${line.replace(/"/g, '\\"')}"`) as string];
    } catch {
      return [line];
    }
  });
}

function leaks(secrets: readonly string[], where: string, texts: readonly string[]): string[] {
  return secrets.flatMap((secret, k) =>
    texts.some((text) => text.includes(secret))
      ? [`ADV_SECRET_${k} ${JSON.stringify(secret)} appears in ${where}`]
      : [],
  );
}

describe('redaction: a secret never reaches the client, the audit log or stderr, however it is spelled', () => {
  it(
    'holds for random secrets under every JSON encoding, in every position',
    async () => {
      const counter = Object.assign(new CaseCounter(), { emitted: 0 });
      const runs = Math.max(1, Math.ceil(CASES / EMISSIONS_PER_RUN));
      const property = fc.asyncProperty(
        fc.array(secretArbitrary, { minLength: SECRETS_PER_RUN, maxLength: SECRETS_PER_RUN }),
        fc.array(emissionArbitrary, { minLength: 1, maxLength: EMISSIONS_PER_RUN }),
        async (secrets, emissions) => {
          counter.runs++;
          const env: Record<string, string> = {};
          for (const [k, secret] of secrets.entries()) env[`ADV_SECRET_${k}`] = secret;
          const session = new LongSession(
            [
              ...secrets.flatMap((_, k) => ['--secret-env', `ADV_SECRET_${k}`]),
              '--log-level',
              'debug',
            ],
            [`${FIXTURES}/adversarial-secret-emitter.mjs`],
            env,
          );
          const shim: ShimProcess = session.shim;
          const problems: string[] = [];
          try {
            await session.open();
            for (const [n, emission] of emissions.entries()) {
              counter.cases++;
              const id = `e${n}`;
              const reply = shim.waitFor((m) => m['id'] === id && !('method' in m), 15_000);
              shim.send({
                jsonrpc: '2.0',
                id,
                method: 'tools/call',
                params: { name: 'emit', arguments: emission },
              });
              const answer = await reply;
              // The emitter answered (a result or its -32000 error), not a shim denial: the case ran.
              const code = (answer['error'] as { code?: number } | undefined)?.code;
              if ('result' in answer || code === -32000) counter.emitted++;
            }
            await shim.request('ping');
          } finally {
            await session.close();
          }
          problems.push(
            ...leaks(
              secrets,
              'what the client received',
              decodedTexts(shim.stdoutLines.join('\n')),
            ),
          );
          problems.push(
            ...leaks(
              secrets,
              'the audit log',
              decodedTexts(readFileSync(session.auditLog, 'utf8')),
            ),
          );
          problems.push(...leaks(secrets, "the shim's stderr", decodedTexts(shim.stderr)));
          if (problems.length > 0) throw new Error(problems.join('\n'));
        },
      );
      try {
        await checkProperty('redaction', property, runs, counter);
      } finally {
        process.stderr.write(
          `[adversarial] redaction: ${counter.emitted} of ${counter.cases} emissions reached the client\n`,
        );
      }
    },
    propertyTimeout(),
  );
});
