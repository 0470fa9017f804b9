import { afterEach } from 'vitest';
import { PolicyShim, type PolicyShimOptions } from './policy-shim.js';

/**
 * Registers an `afterEach` that closes every shim started through the returned function
 * during the test: call once at the top of a test file.
 */
export function shimsClosedAfterEach(): (options: PolicyShimOptions) => PolicyShim {
  const shims: PolicyShim[] = [];
  afterEach(async () => {
    await Promise.all(shims.splice(0).map((shim) => shim.close()));
  });
  return (options) => {
    const shim = new PolicyShim(options);
    shims.push(shim);
    return shim;
  };
}
