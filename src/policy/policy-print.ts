import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Rego `print()` in a Wasm policy. `opa build --wasm-include-print` keeps print calls as calls
 * of the `internal.print` builtin, but the Wasm ABI passes no location (the builtin's context
 * argument is always 0). So before compiling, each print call in the user's Rego gets a first
 * operand naming its own location, `{"mcp_opa_shim_print_location": "rules.rego:12"}`, found
 * with `opa parse`; the host builtin takes it off again and hands the line to a sink.
 */

const run = promisify(execFile);

export const PRINT_LOCATION_KEY = 'mcp_opa_shim_print_location';

/** One `print()` line: the printed text as OPA formats it, and where the call is (when marked). */
export interface PrintedLine {
  readonly message: string;
  readonly location?: string;
}

export type PrintSink = (line: PrintedLine) => void;

/** Whether a Rego text may call print (a cheap test before running `opa parse`). */
export function mayPrint(text: string): boolean {
  return /\bprint\s*\(/.test(text);
}

/**
 * `text` with every print call marked with its location (`displayName:row`). `regoPath` is the
 * file `opa parse` reads (the same text). Throws with opa's output when the file does not parse.
 */
export async function markPrintLocations(
  opa: string,
  regoPath: string,
  text: string,
  displayName: string,
): Promise<string> {
  const { stdout } = await run(
    opa,
    ['parse', '--format', 'json', '--json-include', 'locations', regoPath],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const calls: { row: number; col: number }[] = [];
  collectPrintCalls(JSON.parse(stdout) as unknown, calls);
  const lines = text.split('\n');
  // Later calls first, so that earlier insertions do not move them.
  calls.sort((a, b) => b.row - a.row || b.col - a.col);
  for (const { row, col } of calls) {
    const line = Buffer.from(lines[row - 1] ?? '', 'utf8');
    // OPA's columns count bytes from 1.
    const open = line.indexOf('(', col - 1);
    if (open < 0) continue;
    const rest = line.subarray(open + 1).toString('utf8');
    const marker = `{${JSON.stringify(PRINT_LOCATION_KEY)}: ${JSON.stringify(`${displayName}:${String(row)}`)}}`;
    const inserted = /^\s*\)/.test(rest) ? marker : `${marker}, `;
    lines[row - 1] = line.subarray(0, open + 1).toString('utf8') + inserted + rest;
  }
  return lines.join('\n');
}

/** Expressions whose first term is the bare ref `print` (a call statement). */
function collectPrintCalls(node: unknown, out: { row: number; col: number }[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectPrintCalls(item, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const terms = (node as { terms?: unknown }).terms;
  if (Array.isArray(terms)) {
    const first = terms[0] as
      | {
          type?: string;
          value?: { type?: string; value?: unknown }[];
          location?: { row: number; col: number };
        }
      | undefined;
    const ref = first?.type === 'ref' ? first.value : undefined;
    if (ref?.length === 1 && ref[0]?.type === 'var' && ref[0].value === 'print' && first?.location)
      out.push({ row: first.location.row, col: first.location.col });
  }
  for (const value of Object.values(node)) collectPrintCalls(value, out);
}

/**
 * The `internal.print` host builtin: its one argument is an array with the set of values of
 * each operand (empty when undefined). Formats them as `opa eval` does and hands the line to
 * `sink`; without a sink a print does nothing. Always succeeds, as in OPA.
 */
export function printBuiltin(sink: PrintSink | undefined): (operands: unknown) => boolean {
  return (operands) => {
    if (sink === undefined || !Array.isArray(operands)) return true;
    let location: string | undefined;
    const parts: string[] = [];
    for (const [i, operand] of (operands as unknown[]).entries()) {
      const values = Array.isArray(operand) ? (operand as unknown[]) : [operand];
      const only = values.length === 1 ? values[0] : undefined;
      if (i === 0 && isLocationMarker(only)) {
        location = only[PRINT_LOCATION_KEY];
        continue;
      }
      parts.push(
        values.length === 0
          ? '<undefined>'
          : values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' '),
      );
    }
    sink({ message: parts.join(' '), ...(location === undefined ? {} : { location }) });
    return true;
  };
}

function isLocationMarker(value: unknown): value is Record<typeof PRINT_LOCATION_KEY, string> {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    keys[0] === PRINT_LOCATION_KEY &&
    typeof (value as Record<string, unknown>)[PRINT_LOCATION_KEY] === 'string'
  );
}
