/**
 * The spellings under which a secret value can appear in JSON text. Servers serialise with
 * different libraries: JSON.stringify escapes quotes, backslashes and control characters;
 * Python's json.dumps (ensure_ascii) also escapes every non-ASCII character; some encoders
 * escape `/`. Tool results often carry JSON as text, so a value can also be escaped twice.
 * We scrub each spelling that differs from the raw value.
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const escaped = JSON.stringify(value).slice(1, -1);
  forms.add(escaped);
  forms.add(escaped.replace(/[\u0080-\uffff]/g, asciiEscape));
  if (escaped.includes('/')) forms.add(escaped.replaceAll('/', '\\/'));
  forms.add(JSON.stringify(escaped).slice(1, -1));
  return [...forms];
}

function asciiEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
