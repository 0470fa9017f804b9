import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Every shim a test starts keeps tool pins under XDG_STATE_HOME (docs/pinning.md): each test file
// gets its own, so that no test writes into the real home or sees another file's pins.
const stateHome = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-state-'));
process.env['XDG_STATE_HOME'] = stateHome;

afterAll(() => {
  rmSync(stateHome, { recursive: true, force: true });
});
