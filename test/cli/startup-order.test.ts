import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../audit-e2e/helpers/audit-files.js';
import { FIXTURES, recordingShim, ShimProcess } from '../helpers/shim-process.js';

/**
 * Issue 14: the server is spawned first and boots while the policy loads, yet no frame is judged
 * or forwarded before the policy is ready. The start-up trace (DEBUG_MCP_OPA_SHIM_STARTUP=1,
 * src/logging/startup-trace.ts) gives the order; a `.rego` policy, compiled by `opa` at start,
 * keeps the policy unready for a good while after the spawn.
 */
const TRACE = { DEBUG_MCP_OPA_SHIM_STARTUP: '1' };
const DENY_ALL = join(FIXTURES, 'policies/deny-all.rego');
const ALLOW_ALL = join(FIXTURES, 'policies/allow-all.rego');

/** The trace's milestones in the order written, with their times (ms since the shim began). */
function milestones(stderr: string): { label: string; ms: number }[] {
  return [...stderr.matchAll(/^mcp-opa-shim: startup-trace (\d+(?:\.\d+)?) (.+)$/gm)].map(
    (match) => ({ label: match[2] ?? '', ms: Number(match[1]) }),
  );
}

function indexOf(marks: readonly { label: string }[], label: string): number {
  const index = marks.findIndex((mark) => mark.label === label);
  expect(index, `milestone \`${label}\` in ${JSON.stringify(marks)}`).toBeGreaterThanOrEqual(0);
  return index;
}

describe('start-up order', () => {
  it('spawns the server before the policy is loaded, and relays only once it is', async () => {
    const shim = new ShimProcess(
      ['--policy', ALLOW_ALL, '--', process.execPath, `${FIXTURES}/echo-server.mjs`],
      {
        env: TRACE,
      },
    );
    expect((await shim.initialize())['result']).toBeDefined();
    expect((await shim.close()).code).toBe(0);
    const marks = milestones(shim.stderr);
    const spawned = indexOf(marks, 'server spawned');
    const loadStarted = indexOf(marks, 'policy load started');
    const ready = indexOf(marks, 'policy ready');
    expect(indexOf(marks, 'spawn called')).toBeLessThan(loadStarted);
    // The server was running while the policy compiled.
    expect(spawned).toBeLessThan(ready);
    expect(ready).toBeLessThan(indexOf(marks, 'audit log open'));
    expect(indexOf(marks, 'audit log open')).toBeLessThan(indexOf(marks, 'relay started'));
  });

  it('queues frames sent before the policy is ready and judges each by that policy', async () => {
    const audit = join(tempDir('startup-order-'), 'audit.jsonl');
    const { shim, recorded } = recordingShim(['--policy', DENY_ALL, '--audit-log', audit], TRACE);
    // Sent at once: the policy is still being compiled.
    const initialize = shim.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'shim-test', version: '1.0.0' },
    });
    const call = shim.request('tools/call', { name: 'echo', arguments: { text: 'early' } });
    expect(shim.stderr).not.toContain('policy ready');
    for (const reply of [await initialize, await call])
      expect(reply['error']).toMatchObject({ message: 'Everything is denied.' });
    expect((await shim.close()).code).toBe(0);
    // Denied, so never forwarded: the server read nothing.
    expect(recorded()).toBe('');
    const decisions = readFileSync(audit, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record['type'] === 'decision');
    expect(decisions.map((record) => record['result'])).toMatchObject([
      { allow: false },
      { allow: false },
    ]);
    const marks = milestones(shim.stderr);
    expect(indexOf(marks, 'server spawned')).toBeLessThan(indexOf(marks, 'policy ready'));
  });

  it('answers the client and stops the started server when the policy fails to load', async () => {
    const dir = tempDir('startup-order-');
    const broken = join(dir, 'broken.rego');
    writeFileSync(broken, 'package mcp\n\ndecision := {"allow": true,\n');
    // A server that outlives stdin EOF and SIGTERM: only the shim's SIGKILL ends it.
    const tag = `startup-order-${randomUUID()}`;
    const shim = new ShimProcess(
      [
        '--policy',
        broken,
        '--shutdown-grace-ms',
        '100',
        '--',
        process.execPath,
        `${FIXTURES}/ignores-sigterm-server.mjs`,
        tag,
      ],
      { env: TRACE },
    );
    const reply = await shim.initialize();
    expect(reply['error']).toMatchObject({
      message: expect.stringContaining(`Cannot compile \`--policy ${broken}\``),
    });
    expect((await shim.exited).code).toBe(78);
    const marks = milestones(shim.stderr);
    expect(marks.map((mark) => mark.label)).toContain('server spawned');
    expect(marks.map((mark) => mark.label)).not.toContain('policy ready');
    expect(marks.map((mark) => mark.label)).not.toContain('relay started');
    // Stopped before the shim exited, not left running.
    expect(processesWith(tag)).toEqual([]);
  });
});

/** Pids of live processes whose command line contains `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}
