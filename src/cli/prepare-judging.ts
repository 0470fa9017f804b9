import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createAuditor, type Auditor } from '../audit/auditor.js';
import type { ShimConfig } from '../config/config.js';
import { shimVersion } from '../config/shim-version.js';
import type { PolicyEngine } from '../core/decision.js';
import type { ShimReporting } from '../fleet/status/shim-reporting.js';
import { startupMark } from '../logging/startup-trace.js';
import type { PolicyLogger } from '../policy/create-policy-engine.js';
import { replacementWarnings } from '../policy/replacement-warnings.js';
import type { SecretSet } from '../secrets/secret-set.js';
import { createShimPolicy } from './create-shim-policy.js';

/** What judges and records every message: nothing is relayed before all of it is ready. */
export interface Judging {
  readonly policy: PolicyEngine;
  readonly auditor: Auditor;
  readonly reporting: ShimReporting | undefined;
}

export type JudgingResult =
  | { readonly ok: true; readonly judging: Judging }
  | { readonly ok: false; readonly error: unknown };

export interface PrepareJudgingOptions {
  readonly config: ShimConfig;
  readonly secrets: SecretSet;
  readonly io: {
    readonly stderr: Writable;
    readonly env: Readonly<Record<string, string | undefined>>;
  };
  readonly getLogger: () => Promise<Logger>;
}

/**
 * Loads (or compiles, or downloads) the policy, starts fleet reporting when `--config` asks for
 * it, and opens the audit log. The server is spawned before this runs and boots meanwhile; the
 * relay starts only once this has resolved `ok`, so no frame is read, judged or forwarded before
 * the policy and the audit log are ready. Never throws: a failure comes back as `ok: false` with
 * what was opened closed again, and the caller fails closed (stops the server, answers the client).
 */
export async function prepareJudging(options: PrepareJudgingOptions): Promise<JudgingResult> {
  const { config, secrets, io, getLogger } = options;
  let policy: PolicyEngine | undefined;
  let reporting: ShimReporting | undefined;
  try {
    startupMark('policy load started');
    const shimPolicy = await createShimPolicy(config, io.env, laterLogger(getLogger), () => {
      reporting?.bundleChanged();
    });
    policy = shimPolicy.engine;
    startupMark('policy ready');
    if (shimPolicy.fleet !== undefined) {
      const { startShimReporting } = await import('../fleet/status/shim-reporting.js');
      reporting = startShimReporting(shimPolicy.fleet, shimPolicy.bundle, {
        serverId: config.serverId,
        secrets,
        io,
        getLogger,
      });
    }
  } catch (error) {
    policy?.close();
    return { ok: false, error };
  }
  // A replacement --policy drops the built-in protections: say so, on stderr, in the log and on
  // the audit log's start record.
  const warnings = await replacementWarnings(config.policy, config.roots);
  const loaded = policy;
  for (const warning of warnings) {
    io.stderr.write(`mcp-opa-shim: warning: ${warning}\n`);
    void getLogger().then((logger) => {
      logger.warn({ policy: loaded.revision }, warning);
    });
  }
  try {
    const auditor = createAuditor({
      file: config.auditLog,
      stderr: config.auditStderr,
      policy,
      secrets,
      entrypoint: config.entrypoint,
      ...(reporting?.sink === undefined ? {} : { sink: reporting.sink }),
      warnings,
      labels: {
        server_id: config.serverId,
        principal: config.principal.id,
        version: shimVersion(),
      },
    });
    startupMark('audit log open');
    return { ok: true, judging: { policy, auditor, reporting } };
  } catch (error) {
    // No audit trail, no relaying.
    void reporting?.close(0);
    policy.close();
    return { ok: false, error };
  }
}

/**
 * Policy reloads are logged through the shim's logger, which loads after the spawn; a reload
 * reported before then (rare) loads it early. No line is lost.
 */
function laterLogger(getLogger: () => Promise<Logger>): PolicyLogger {
  const later =
    (level: 'info' | 'warn' | 'error' | 'debug') =>
    (details: Record<string, unknown>, message: string): void => {
      void getLogger().then((logger) => {
        logger[level](details, message);
      });
    };
  return { info: later('info'), warn: later('warn'), error: later('error'), debug: later('debug') };
}
