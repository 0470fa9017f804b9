import type { Principal } from '../config.js';
import { defaultPrincipalId } from '../default-principal.js';
import { defaultServerId } from '../default-server-id.js';
import type { RawOptions, RawValue } from '../read-option-tokens.js';
import { UsageError } from '../usage-error.js';
import { invalid, many, plainText, single, unique, type OptionContext } from './value-checks.js';

const MAX_ID_LENGTH = 256;

/** `--principal`, `--role`, `--attr`. */
export function validatePrincipal(options: RawOptions, context: OptionContext): Principal {
  const rawId = single(options, 'principal');
  const id = rawId === undefined ? osPrincipal(context) : boundedText(rawId, 'a principal id');
  return {
    id,
    roles: unique(many(options, 'role').map((raw) => boundedText(raw, 'a role name'))),
    attributes: attributes(many(options, 'attr')),
  };
}

/** `--server-id`, defaulting to a name derived from the command. */
export function validateServerId(
  options: RawOptions,
  command: string,
  args: readonly string[],
): string {
  const raw = single(options, 'server-id');
  return raw === undefined ? defaultServerId(command, args) : boundedText(raw, 'a server id');
}

function osPrincipal(context: OptionContext): string {
  const id = defaultPrincipalId(context.osUsername, context.env);
  if (id === undefined) {
    throw new UsageError(
      'Could not determine the OS user for the default principal (no passwd entry, no `USER` or `LOGNAME`); pass `--principal <id>`.',
    );
  }
  return id;
}

function boundedText(raw: RawValue, expectation: string): string {
  const text = plainText(raw, expectation);
  if (text.length > MAX_ID_LENGTH) {
    throw invalid(raw, `${expectation} of at most ${MAX_ID_LENGTH} characters`);
  }
  return text;
}

const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

function attributes(raws: readonly RawValue[]): Readonly<Record<string, string>> {
  const entries = new Map<string, string>();
  for (const raw of raws) {
    const eq = raw.value.indexOf('=');
    const key = eq === -1 ? '' : raw.value.slice(0, eq);
    if (!ATTRIBUTE_KEY.test(key)) {
      throw invalid(
        raw,
        '`key=value` with a key of letters, digits, `_`, `.`, `:` or `-`',
        'For example `--attr team=platform`.',
      );
    }
    if (entries.has(key)) {
      throw invalid(raw, `the only \`${key}=…\``, `Give each attribute key once.`);
    }
    entries.set(key, plainValue(raw, raw.value.slice(eq + 1)));
  }
  // fromEntries defines own properties, so a key like `__proto__` stays plain data.
  return Object.fromEntries(entries);
}

function plainValue(raw: RawValue, value: string): string {
  // eslint-disable-next-line no-control-regex -- attribute values are single-line text
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw invalid(raw, '`key=value` with a single-line value');
  return value;
}
