import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditor } from '../../../src/audit/auditor.js';
import type { PolicyInput } from '../../../src/core/policy-input.js';
import type { PolicyEngine } from '../../../src/core/decision.js';
import { NO_SECRETS } from '../../../src/secrets/secret-set.js';
import { ping, toolCall } from '../../audit/helpers/inputs.js';

/**
 * Writes an audit log as the shim records a server-filesystem session, judged by `policy`:
 * alice reads inside and outside the roots and tries a write; bob lists and inspects files.
 */
export function recordSession(policy: PolicyEngine): string {
  const file = join(mkdtempSync(join(tmpdir(), 'recorded-')), 'audit.jsonl');
  const sessions: [string, PolicyInput[]][] = [
    [
      'alice',
      [
        ping({ principal: 'alice' }),
        toolCall('read_text_file', { path: 'README.md' }, ['README.md'], { principal: 'alice' }),
        toolCall('read_text_file', { path: '/etc/passwd' }, ['/etc/passwd'], {
          principal: 'alice',
        }),
        toolCall('read_text_file', { path: 'README.md' }, ['README.md'], { principal: 'alice' }),
        toolCall('write_file', { path: 'notes.txt', content: 'hi' }, ['notes.txt'], {
          principal: 'alice',
        }),
        toolCall('write_file', {}, [], { principal: 'alice', listing: true }),
      ],
    ],
    [
      'bob',
      [
        toolCall('list_directory', { path: '.' }, ['/srv/projects'], { principal: 'bob' }),
        toolCall('get_file_info', { path: 'src/main.ts' }, ['src/main.ts'], { principal: 'bob' }),
        toolCall(
          'read_text_file',
          { path: '/home/bob/.ssh/id_ed25519' },
          ['/home/bob/.ssh/id_ed25519'],
          { principal: 'bob' },
        ),
      ],
    ],
  ];
  for (const [principal, inputs] of sessions) {
    const labels = { server_id: 'filesystem', principal, version: '0.1.0' };
    const auditor = createAuditor({ file, stderr: false, policy, secrets: NO_SECRETS, labels });
    inputs.forEach((input, i) => {
      const decision = policy.evaluate(input);
      const action = input.operation.listing
        ? decision.allow
          ? 'forwarded'
          : 'filtered'
        : decision.allow
          ? 'forwarded'
          : 'denied';
      auditor.record({ input, decision, action, evalMicros: 10 + i * 7 });
    });
    if (principal === 'bob')
      auditor.fault({
        direction: 'to_server',
        fault: 'parse_error',
        detail: 'Unexpected token',
        action: 'denied',
      });
    auditor.close();
  }
  return file;
}
