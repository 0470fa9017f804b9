import { describe, expect, it } from 'vitest';
import {
  ApprovalLedger,
  argumentsDigest,
  NO_APPROVALS,
  NOT_GRANTED,
} from '../../src/state/approval-ledger.js';

const AT = '2026-12-05T23:00:00.000Z';

describe('ApprovalLedger', () => {
  it('grants nothing and lists nothing until a human approves', () => {
    const ledger = new ApprovalLedger();
    expect(ledger.entries).toBe(NO_APPROVALS);
    expect(ledger.view('deploy', argumentsDigest({ env: 'prod' }))).toBe(NOT_GRANTED);
  });

  it('an approve-once grants exactly that call, until the call uses it up', () => {
    const ledger = new ApprovalLedger();
    const prod = argumentsDigest({ env: 'prod' });
    ledger.grant('deploy', prod, 'once', AT);
    expect(ledger.view('deploy', prod)).toEqual({ granted: true, scope: 'once' });
    expect(ledger.view('deploy', argumentsDigest({ env: 'staging' }))).toEqual({ granted: false });
    expect(ledger.view('rollback', prod)).toEqual({ granted: false });
    ledger.useOnce('deploy', prod);
    expect(ledger.view('deploy', prod)).toEqual({ granted: false });
    expect(ledger.entries).toEqual([{ tool: 'deploy', scope: 'once', at: AT }]);
  });

  it('an approve-for-the-session grants the tool with any arguments and is never used up', () => {
    const ledger = new ApprovalLedger();
    ledger.grant('deploy', argumentsDigest({ env: 'prod' }), 'session', AT);
    const other = argumentsDigest({ env: 'staging' });
    ledger.useOnce('deploy', other);
    expect(ledger.view('deploy', other)).toEqual({ granted: true, scope: 'session' });
    expect(ledger.view('rollback', other)).toEqual({ granted: false });
  });

  it('the digest does not depend on key order, and does on every value', () => {
    expect(argumentsDigest({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      argumentsDigest({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(argumentsDigest({ a: 1 })).not.toBe(argumentsDigest({ a: '1' }));
    expect(argumentsDigest({ a: [1, 2] })).not.toBe(argumentsDigest({ a: [2, 1] }));
  });

  it('the list the policy sees is frozen and replaced on each grant', () => {
    const ledger = new ApprovalLedger();
    ledger.grant('a', 'x', 'once', AT);
    const first = ledger.entries;
    ledger.grant('b', 'y', 'session', AT);
    expect(Object.isFrozen(ledger.entries)).toBe(true);
    expect(ledger.entries).not.toBe(first);
    expect(ledger.entries.map((entry) => entry.tool)).toEqual(['a', 'b']);
  });
});
