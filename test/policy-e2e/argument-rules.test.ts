import { describe, expect, it } from 'vitest';
import { CATALOG_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { expectServerRan } from './helpers/catalog-expectations.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

// The deep dive's rule: deploy_release with env == "prod" needs the release-admin role.
const DEPLOY = {
  // High-risk by name: approval is required (and not implemented yet, so: deny).
  approval: { tools: ['rollback_*'] },
  argument_rules: [
    {
      name: 'prod-deploy-needs-release-admin',
      tool: 'deploy_release',
      when: { env: 'prod' },
      require_any_role: ['release-admin'],
      message: 'Deploying to prod requires the release-admin role.',
    },
  ],
};

const startShim = shimsClosedAfterEach();

function deployShim(...roles: string[]): PolicyShim {
  return startShim({
    data: DEPLOY,
    args: ['--principal', 'deployer', ...roles.flatMap((role) => ['--role', role])],
    server: nodeCommand(CATALOG_SERVER, 'deploy'),
  });
}

const prod = { service: 'checkout', version: '1.42.0', env: 'prod' };

describe('Argument rules and the two messages, through the shim', () => {
  it('forwards a staging deploy without the role', async () => {
    const shim = deployShim('developer');
    await shim.initialize();
    const outcome = toolOutcome(await shim.callTool('deploy_release', { ...prod, env: 'staging' }));
    expectServerRan(outcome, {
      tool: 'deploy_release',
      arguments: { env: 'staging' },
    });
  });

  it('denies a prod deploy without release-admin: the model sees `message`, the audit `internal_message`', async () => {
    const shim = deployShim('developer');
    await shim.initialize();
    const outcome = toolOutcome(await shim.callTool('deploy_release', prod));
    expect(outcome).toEqual({
      isError: true,
      text: 'Deploying to prod requires the release-admin role.',
    });
    const record = shim.auditDecisions().find((r) => r.input?.message.method === 'tools/call');
    expect(record).toMatchObject({
      action: 'denied',
      result: {
        reasons: ['argument_rule_role'],
        message: 'Deploying to prod requires the release-admin role.',
        internal_message:
          'prod-deploy-needs-release-admin: principal `deployer` lacks roles ["release-admin"]',
      },
    });
    // Nothing internal leaked to the client: not on any stdout line.
    const stdout = shim.process.stdoutLines.join('\n');
    expect(stdout).not.toContain('prod-deploy-needs-release-admin');
    expect(stdout).not.toContain('lacks roles');
  });

  it('forwards a prod deploy for a release-admin', async () => {
    const shim = deployShim('release-admin');
    await shim.initialize();
    expectServerRan(toolOutcome(await shim.callTool('deploy_release', prod)), {
      arguments: { env: 'prod' },
    });
  });

  it('keeps an argument-ruled tool listed: the rule judges calls, not the catalog', async () => {
    const shim = deployShim();
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual([
      'list_releases',
      'deploy_release',
      'rollback_release',
    ]);
  });

  it('denies a high-risk tool with a message saying approval is required, and still lists it', async () => {
    const shim = deployShim('release-admin');
    await shim.initialize();
    expect(await shim.listToolNames()).toContain('rollback_release');
    expect(toolOutcome(await shim.callTool('rollback_release', { to: '1.41.3' }))).toEqual({
      isError: true,
      text: 'approval required: tool `rollback_release` is high-risk and needs human approval. Denied: the client did not declare the elicitation capability (form mode), so no one could be asked.',
    });
    expect(toolOutcome(await shim.callTool('list_releases'))).toMatchObject({ isError: false });
  });
});
