import { expect } from 'vitest';
import type { toolOutcome } from './policy-shim.js';

/** Every tool the catalog server's jira stand-in offers, in its order. */
export const JIRA_TOOLS = ['search_issues', 'get_issue', 'create_issue', 'delete_issue'];

/**
 * Asserts a call reached the catalog server and ran: the result is no error and its text, the
 * JSON the server echoes back, matches `echoed`.
 */
export function expectServerRan(
  outcome: ReturnType<typeof toolOutcome>,
  echoed: Record<string, unknown>,
): void {
  expect(outcome).toMatchObject({ isError: false });
  expect(JSON.parse((outcome as { text: string }).text)).toMatchObject(echoed);
}
