import { describe, expect, it } from 'vitest';
import { buildMessageInput } from '../../src/input/build-input.js';
import { Session } from '../../src/session/session.js';
import {
  approvalLedgerOf,
  argumentsDigest,
  NO_APPROVALS,
  NOT_GRANTED,
} from '../../src/state/approval-ledger.js';
import { testContext } from './helpers/input-fixtures.js';

const AT = '2026-12-05T23:00:00.000Z';
const context = testContext();

const callInput = (session: Session, id: number, name: string, args: Record<string, unknown>) =>
  buildMessageInput(
    'to_server',
    { kind: 'request', id, method: 'tools/call', params: { name, arguments: args } },
    session,
    context,
  );

describe('approval in the policy input', () => {
  it('a session without approvals carries the same frozen objects every time (nothing to build or parse)', () => {
    const session = new Session();
    const first = callInput(session, 1, 'deploy', { env: 'prod' });
    session.recordOperation('tool', 'deploy', true);
    const second = callInput(session, 2, 'other', { x: 1 });
    expect(first.approval).toBe(NOT_GRANTED);
    expect(second.approval).toBe(NOT_GRANTED);
    expect(first.session.approvals).toBe(NO_APPROVALS);
    expect(second.session.approvals).toBe(NO_APPROVALS);
    expect(Object.isFrozen(NOT_GRANTED) && Object.isFrozen(NO_APPROVALS)).toBe(true);
  });

  it('grants exactly the approved call once, and lists the approval for the session', () => {
    const session = new Session();
    approvalLedgerOf(session).grant('deploy', argumentsDigest({ env: 'prod' }), 'once', AT);
    expect(callInput(session, 1, 'deploy', { env: 'prod' }).approval).toEqual({
      granted: true,
      scope: 'once',
    });
    expect(callInput(session, 2, 'deploy', { env: 'staging' }).approval).toEqual({
      granted: false,
    });
    expect(callInput(session, 3, 'other', { env: 'prod' }).session.approvals).toEqual([
      { tool: 'deploy', scope: 'once', at: AT },
    ]);
  });

  it('grants the tool with any arguments once it is approved for the session', () => {
    const session = new Session();
    const before = callInput(session, 1, 'deploy', {});
    approvalLedgerOf(session).grant('deploy', argumentsDigest({}), 'session', AT);
    const after = callInput(session, 2, 'deploy', { env: 'anything' });
    expect(before.approval).toEqual({ granted: false });
    expect(after.approval).toEqual({ granted: true, scope: 'session' });
    expect(after.session.approvals).toEqual([{ tool: 'deploy', scope: 'session', at: AT }]);
  });

  it('never grants a server-to-client request or a notification', () => {
    const session = new Session();
    approvalLedgerOf(session).grant('deploy', argumentsDigest({}), 'session', AT);
    const params = { name: 'deploy', arguments: {} };
    expect(
      buildMessageInput(
        'to_client',
        { kind: 'request', id: 1, method: 'tools/call', params },
        session,
        context,
      ).approval,
    ).toEqual({ granted: false });
    expect(
      buildMessageInput(
        'to_server',
        { kind: 'notification', method: 'tools/call', params },
        session,
        context,
      ).approval,
    ).toEqual({ granted: false });
  });
});
