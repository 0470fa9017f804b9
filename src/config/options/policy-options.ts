import { DEFAULT_ENTRYPOINT, type PolicyConfig, type PolicySource } from '../config.js';
import type { RawOptions, RawValue } from '../read-option-tokens.js';
import {
  booleanValue,
  existingFile,
  invalid,
  many,
  single,
  unique,
  type OptionContext,
} from './value-checks.js';

/** `--policy`, `--data`, `--entrypoint`, `--no-watch`: shared by run, eval and audit replay. */
export function validatePolicyOptions(options: RawOptions, context: OptionContext): PolicyConfig {
  const rawPolicy = single(options, 'policy');
  const rawNoWatch = single(options, 'no-watch');
  const rawEntrypoint = single(options, 'entrypoint');
  const rules = unique(many(options, 'rules').map((raw) => rulesFile(raw, context)));
  const firstRules = many(options, 'rules')[0];
  if (rawPolicy !== undefined && firstRules !== undefined) {
    throw invalid(
      firstRules,
      'to be used without `--policy`',
      '`--rules` adds rules to the default policy; with your own `--policy`, put the rules in that policy.',
    );
  }
  return {
    policy:
      rawPolicy !== undefined
        ? policySource(rawPolicy, context)
        : rules.length > 0
          ? { kind: 'rules', paths: rules }
          : { kind: 'embedded' },
    dataFiles: unique(many(options, 'data').map((raw) => dataFile(raw, context))),
    entrypoint: rawEntrypoint === undefined ? DEFAULT_ENTRYPOINT : entrypoint(rawEntrypoint),
    watch: rawNoWatch === undefined ? true : !booleanValue(rawNoWatch),
  };
}

const POLICY_EXPECTATION = 'an existing .wasm, .tar.gz (OPA bundle) or .rego file';

function policySource(raw: RawValue, context: OptionContext): PolicySource {
  const lower = raw.value.toLowerCase();
  const kind = lower.endsWith('.wasm')
    ? 'wasm'
    : lower.endsWith('.tar.gz') || lower.endsWith('.tgz')
      ? 'bundle'
      : lower.endsWith('.rego')
        ? 'rego'
        : undefined;
  if (kind === undefined) {
    throw invalid(raw, POLICY_EXPECTATION, 'The kind is taken from the extension.');
  }
  return { kind, path: existingFile(raw, context, POLICY_EXPECTATION) };
}

function rulesFile(raw: RawValue, context: OptionContext): string {
  const expectation = 'an existing .rego file';
  if (!/\.rego$/i.test(raw.value)) throw invalid(raw, expectation);
  return existingFile(raw, context, expectation);
}

function dataFile(raw: RawValue, context: OptionContext): string {
  const expectation = 'an existing .json, .yaml or .yml file';
  if (!/\.(json|ya?ml)$/i.test(raw.value)) {
    throw invalid(raw, expectation, 'The format is taken from the extension.');
  }
  return existingFile(raw, context, expectation);
}

const RULE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)+$/;

/** Accepts `mcp/decision`, and the Rego spelling `data.mcp.decision` for convenience. */
function entrypoint(raw: RawValue): string {
  const value = raw.value.trim();
  const slashed = /^data\.[A-Za-z_][A-Za-z0-9_.]*$/.test(value)
    ? value.slice('data.'.length).replace(/\./g, '/')
    : value;
  if (!RULE_PATH.test(slashed)) {
    throw invalid(raw, 'a rule path like `mcp/decision` (package path and rule, slash-separated)');
  }
  return slashed;
}
