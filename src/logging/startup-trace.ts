import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Set to `1` to have the shim write its start-up milestones to stderr (bench/startup-trace.mjs).
 * Outside the `MCP_OPA_SHIM_` prefix, which names options only.
 */
export const STARTUP_TRACE_ENV = 'DEBUG_MCP_OPA_SHIM_STARTUP';

const STDERR_FD = 2;
const enabled = process.env[STARTUP_TRACE_ENV] === '1';

/**
 * Notes one start-up milestone: `mcp-opa-shim: startup-trace <ms since the process began> <label>`
 * on stderr, only when the trace is switched on (stdout carries only the protocol). Costs one
 * comparison otherwise. Synchronous, so the lines stay in the order the milestones happened.
 */
export function startupMark(label: string): void {
  if (!enabled) return;
  writeSync(STDERR_FD, `mcp-opa-shim: startup-trace ${performance.now().toFixed(2)} ${label}\n`);
}
