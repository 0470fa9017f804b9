import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Auditor } from '../../src/audit/auditor.js';
import { call, startHarness } from '../relay/helpers/relay-harness.js';

/**
 * An auditor that holds records like the real one (group commit) and can be made to fail its
 * writes: `written` is what reached the "file", in order.
 */
function failingAuditor() {
  const state = {
    broken: false,
    written: [] as string[],
    groups: [] as string[][],
    faults: [] as string[],
  };
  let held: string[] = [];
  let holding = false;
  const flush = (): void => {
    const group = held;
    held = [];
    if (group.length === 0) return;
    if (state.broken) throw new Error('Cannot write to `--audit-log` file `x` (ENOSPC)');
    state.written.push(...group);
    state.groups.push(group);
  };
  const auditor: Auditor = {
    record(event) {
      const line = `${event.action}:${String(event.input.message.id)}`;
      if (holding) held.push(line);
      else if (state.broken) throw new Error('Cannot write to `--audit-log` file `x` (ENOSPC)');
      else state.written.push(line);
    },
    fault(event) {
      state.faults.push(event.fault);
    },
    approval() {},
    pin() {},
    holdRecords() {
      holding = true;
    },
    flushRecords: flush,
    releaseRecords() {
      holding = false;
      flush();
    },
    close() {},
  };
  return { auditor, state };
}

describe('group commit in the relay', () => {
  it('forwards the calls of a read batch only after their records are written', async () => {
    const { auditor, state } = failingAuditor();
    const h = await startHarness([], '2025-06-18', { auditor });
    h.client(call(1, 'echo', {}), call(2, 'echo', {}), call(3, 'echo', {}));
    await h.toServer.waitFor((m) => m.id === 3);
    expect(state.written).toEqual(
      expect.arrayContaining(['forwarded:1', 'forwarded:2', 'forwarded:3']),
    );
    expect(h.toServer.ids()).toEqual(['init', 1, 2, 3]);
  });

  it('writes the records of one read batch, a denial among them, as one group', async () => {
    const { auditor, state } = failingAuditor();
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'group-commit-root-')));
    const h = await startHarness([root], '2025-06-18', { auditor });
    h.client(
      call(1, 'read_text_file', { path: join(root, 'a') }),
      call(2, 'read_text_file', { path: '/etc/passwd' }),
      call(3, 'read_text_file', { path: join(root, 'b') }),
    );
    await h.toServer.waitFor((m) => m.id === 3);
    await h.toClient.waitFor((m) => m.id === 2);
    expect(state.groups.at(-1)).toEqual(['forwarded:1', 'denied:2', 'forwarded:3']);
    expect(h.toServer.ids()).toEqual(['init', 1, 3]);
  });

  it('forwards none of a batch whose records cannot be written, answers each call with an error and forgets it', async () => {
    const { auditor, state } = failingAuditor();
    const h = await startHarness([], '2025-06-18', { auditor });
    state.broken = true;
    h.client(call(1, 'echo', {}), call(2, 'echo', {}), call(3, 'echo', {}));
    await h.toClient.waitFor((m) => m.id === 3);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init']);
    for (const id of [1, 2, 3]) {
      expect(h.toClient.flat.find((m) => m.id === id)).toMatchObject({
        error: { message: expect.stringContaining('could not write the audit record') as string },
      });
    }
    expect(h.session.pendingToServerIds()).toEqual([]);
    expect(state.faults).toContain('internal_error');
    // Once the log can be written again, calls go through, each after its record.
    state.broken = false;
    h.client(call(4, 'echo', {}));
    await h.toServer.waitFor((m) => m.id === 4);
    expect(state.written).toContain('forwarded:4');
    expect(state.written).not.toContain('forwarded:1');
  });
});
