import { describeOperation, type LocatedRecord } from './read-audit-records.js';

export type Counts = Record<string, number>;

export interface SlowEvaluation {
  readonly eval_us: number;
  readonly timestamp: string;
  readonly decision_id: string;
  readonly principal: string;
  readonly operation: string;
  readonly decision: 'allow' | 'deny';
  readonly file: string;
  readonly line: number;
}

export interface Summary {
  readonly decisions: number;
  readonly faults: number;
  /** Approval records: each time the shim asked a human (or could not), by answer. */
  readonly approvals: number;
  readonly by_approval: Counts;
  /**
   * Pin records (docs/pinning.md): a tool pinned by a first listing (`pinned`), or a definition
   * seen for the first time that is not pinned (`new`) or differs from its pin (`changed`).
   */
  readonly pins: number;
  /** Pin records by status, then by tool and status (`weather changed`). */
  readonly by_pin_status: Counts;
  readonly by_pin: Counts;
  readonly sessions: number;
  readonly by_principal: Counts;
  readonly by_server: Counts;
  readonly by_operation: Counts;
  readonly by_decision: Counts;
  readonly by_action: Counts;
  readonly by_fault: Counts;
  /**
   * Sessions by how they ended (`clean`, `signalled`, `fault`), from their end records. A clean
   * end writes no fault record, so it is never counted in `faults`. `not recorded`: an end record
   * without `session_end` (written before the shim recorded it); such logs also hold a
   * `child_exit` fault for every session, which stays counted: it cannot be told from a crash.
   */
  readonly by_session_end: Counts;
  readonly slowest: SlowEvaluation[];
}

/** Counts by principal, server, operation, decision and action, and the slowest evaluations. */
export class SummaryBuilder {
  private readonly summary = {
    decisions: 0,
    faults: 0,
    approvals: 0,
    by_approval: {} as Counts,
    pins: 0,
    by_pin_status: {} as Counts,
    by_pin: {} as Counts,
    sessions: 0,
    by_principal: {} as Counts,
    by_server: {} as Counts,
    by_operation: {} as Counts,
    by_decision: {} as Counts,
    by_action: {} as Counts,
    by_fault: {} as Counts,
    by_session_end: {} as Counts,
    slowest: [] as SlowEvaluation[],
  };

  constructor(private readonly top: number) {}

  add({ file, line, record }: LocatedRecord): void {
    const s = this.summary;
    switch (record.type) {
      case 'start':
        s.sessions += 1;
        return;
      case 'fault':
        s.faults += 1;
        bump(s.by_fault, `${record.direction} ${record.fault}`);
        bump(s.by_action, record.action);
        bump(s.by_principal, record.labels.principal);
        bump(s.by_server, record.labels.server_id);
        return;
      case 'approval':
        s.approvals += 1;
        bump(s.by_approval, `${record.tool} ${record.answer}`);
        bump(s.by_principal, record.asked.principal);
        bump(s.by_server, record.labels.server_id);
        return;
      case 'pin':
        s.pins += 1;
        bump(s.by_pin_status, record.status);
        bump(s.by_pin, `${record.tool} ${record.status}`);
        bump(s.by_principal, record.labels.principal);
        bump(s.by_server, record.labels.server_id);
        return;
      case 'end':
        bump(s.by_session_end, record.session_end?.kind ?? 'not recorded');
        return;
      case 'decision': {
        s.decisions += 1;
        const decision = record.result?.allow === true ? 'allow' : 'deny';
        const operation = describeOperation(record);
        const principal = record.input?.principal.id ?? record.labels.principal;
        bump(s.by_principal, principal);
        bump(s.by_server, record.input?.server.id ?? record.labels.server_id);
        bump(s.by_operation, operation);
        bump(s.by_decision, decision);
        bump(s.by_action, record.action);
        const eval_us = Math.round(record.metrics.timer_rego_query_eval_ns / 100) / 10;
        this.keepSlowest({
          eval_us,
          timestamp: record.timestamp,
          decision_id: record.decision_id,
          principal,
          operation,
          decision,
          file,
          line,
        });
      }
    }
  }

  build(): Summary {
    return this.summary;
  }

  private keepSlowest(entry: SlowEvaluation): void {
    const slowest = this.summary.slowest;
    if (slowest.length >= this.top && (slowest[slowest.length - 1]?.eval_us ?? 0) >= entry.eval_us)
      return;
    slowest.push(entry);
    slowest.sort((a, b) => b.eval_us - a.eval_us);
    if (slowest.length > this.top) slowest.pop();
  }
}

function bump(counts: Counts, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
