import type { Decision, MaskRule, PolicyEngine, PolicyRevision } from '../../core/decision.js';

/**
 * The engine in force until the first bundle activates: every message is denied with a message
 * saying why. Fleet mode never falls back to the embedded policy, which the platform team may
 * have meant to replace with a stricter one.
 */
export class PendingBundleEngine implements PolicyEngine {
  readonly revision: PolicyRevision;
  private readonly decision: Decision;

  constructor(bundle: string, url: string) {
    this.revision = { sha256: '', source: url };
    const message = `No policy is active yet: the bundle \`${bundle}\` has not been downloaded from ${url}. Every request is denied until it is (check the network and the shim's log).`;
    this.decision = {
      allow: false,
      reasons: ['no_policy_bundle'],
      message,
      error: message,
    };
  }

  evaluate(): Decision {
    return this.decision;
  }

  maskRules(): readonly MaskRule[] {
    return [];
  }

  shouldDrop(): boolean {
    return false;
  }

  close(): void {
    // Holds nothing.
  }
}
