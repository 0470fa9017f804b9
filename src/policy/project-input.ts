/**
 * The input keys a policy's rules can read, found when it was built (scripts/input-keys.mjs
 * walks its Rego); undefined when they are unknown (a `--policy` Wasm or bundle) or unbounded.
 * Passing the policy only those keys cannot change a decision: its rules never name the others.
 */
export type InputKeys = ReadonlySet<string> | undefined;

/** `input` with only the top-level `keys`, as a new plain object (values shared, not copied). */
export function projectInput(input: object, keys: ReadonlySet<string>): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(input)) if (keys.has(key)) projected[key] = record[key];
  return projected;
}

/** Reads an input-keys.json document (`{"keys": [...] | null}`); throws a message on bad shape. */
export function parseInputKeys(text: string): InputKeys {
  const value = JSON.parse(text) as { keys?: unknown };
  const { keys } = value;
  if (keys === null) return undefined;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string'))
    throw new Error('Expected {"keys": [<string>...] | null}');
  return new Set(keys);
}
