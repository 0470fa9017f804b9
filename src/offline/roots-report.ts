import type { DecisionRecord } from '../audit/audit-record.js';
import { rootContaining } from './path-in-roots.js';

export interface RootsRow {
  readonly principal: string;
  readonly server: string;
  /** The tool name (or resource URI, or method) that touched the path. */
  readonly operation: string;
  /** Resolved when the shim could resolve it, else as given. */
  readonly path: string;
  readonly within_roots: boolean;
  readonly root: string | null;
  readonly allowed: number;
  readonly denied: number;
  /** How many of these reached the server (allowed, or forwarded in monitor mode). */
  readonly forwarded: number;
}

export interface RootsReport {
  readonly rows: RootsRow[];
  /** Roots the report judged against; empty when the recorded judgement was used. */
  readonly roots: readonly string[];
  /** Decision records whose input was erased by masking, so their paths are unknown. */
  readonly unknown: number;
}

const FORWARDED = new Set(['forwarded', 'redacted', 'monitored']);

/**
 * Every file path read or attempted, by principal and operation. With `roots`, paths are judged
 * against them; without, the shim's recorded judgement (`within_roots`, `root`) is used.
 */
export class RootsReportBuilder {
  private readonly rows = new Map<string, { -readonly [K in keyof RootsRow]: RootsRow[K] }>();
  private unknown = 0;

  constructor(private readonly roots: readonly string[]) {}

  add(record: DecisionRecord): void {
    const input = record.input;
    if (input === null) {
      this.unknown += 1;
      return;
    }
    if (input.operation.listing || input.paths.length === 0) return;
    const allowed = record.result?.allow === true;
    for (const p of input.paths) {
      const path = p.resolved ?? p.raw;
      const root =
        this.roots.length > 0
          ? p.resolved === undefined
            ? undefined
            : rootContaining(p.resolved, this.roots)
          : p.root;
      const within = this.roots.length > 0 ? root !== undefined : p.within_roots;
      const row = {
        principal: input.principal.id,
        server: input.server.id,
        operation: input.operation.name ?? input.message.method ?? input.operation.type,
        path,
        within_roots: within,
        root: within ? (root ?? null) : null,
      };
      const key = JSON.stringify(row);
      const existing = this.rows.get(key) ?? { ...row, allowed: 0, denied: 0, forwarded: 0 };
      if (allowed) existing.allowed += 1;
      else existing.denied += 1;
      if (FORWARDED.has(record.action)) existing.forwarded += 1;
      this.rows.set(key, existing);
    }
  }

  build(): RootsReport {
    const rows = [...this.rows.values()].sort(
      (a, b) =>
        a.principal.localeCompare(b.principal) ||
        a.operation.localeCompare(b.operation) ||
        a.path.localeCompare(b.path),
    );
    return { rows, roots: this.roots, unknown: this.unknown };
  }
}
