import { execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyInput } from '../../../src/core/policy-input.js';
import type { BundleEvent } from '../../../src/fleet/bundles/bundle-status.js';
import {
  startFleetPolicy,
  type FleetPolicy,
} from '../../../src/fleet/bundles/start-fleet-policy.js';
import { readOpaConfig } from '../../../src/fleet/config/read-opa-config.js';

export const BASE_INPUT = JSON.parse(
  readFileSync(new URL('../../policy/base-input.json', import.meta.url), 'utf8'),
) as PolicyInput;

/** The base input calling `tool`. */
export function callInput(tool: string): PolicyInput {
  return { ...BASE_INPUT, operation: { ...BASE_INPUT.operation, name: tool } };
}

export interface KeyFiles {
  readonly privatePath: string;
  readonly publicPem: string;
}

/** A fresh RSA key pair for one test run (PEM files, as `opa build --signing-key` reads them). */
export function rsaKeys(dir: string, name: string): KeyFiles {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePath = join(dir, `${name}.pem`);
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { privatePath, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Changes `data.json` inside a built bundle after signing, repacking it with GNU tar. */
export function tamper(bundle: Uint8Array, data: unknown): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-tamper-'));
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(dir, 'in.tar.gz'), bundle);
  execFileSync('tar', ['-xzf', join(dir, 'in.tar.gz'), '-C', tree]);
  writeFileSync(join(tree, 'data.json'), JSON.stringify(data));
  // The same member names as before (no `./` prefix): only the content differs.
  execFileSync('tar', ['-czf', join(dir, 'out.tar.gz'), '-C', tree, ...readdirSync(tree)]);
  return readFileSync(join(dir, 'out.tar.gz'));
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An OPA configuration (YAML) for one bundle on one service; the shim and `opa run` share it. */
export function fleetConfigYaml(options: {
  readonly url: string;
  readonly resource: string;
  readonly persist?: boolean;
  readonly signing?: {
    readonly keyid: string;
    readonly publicPem: string;
    readonly scope?: string;
  };
  readonly minDelay?: number;
  readonly maxDelay?: number;
  readonly longPollingTimeout?: number;
}): string {
  const indent = (pem: string) =>
    pem
      .trim()
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n');
  const signing = options.signing;
  return `services:
  fleet:
    url: ${options.url}
bundles:
  authz:
    service: fleet
    resource: ${options.resource}
    persist: ${String(options.persist ?? false)}
    polling:
      min_delay_seconds: ${String(options.minDelay ?? 1)}
      max_delay_seconds: ${String(options.maxDelay ?? 2)}
${options.longPollingTimeout === undefined ? '' : `      long_polling_timeout_seconds: ${String(options.longPollingTimeout)}\n`}${
    signing === undefined
      ? ''
      : `    signing:
      keyid: ${signing.keyid}
${signing.scope === undefined ? '' : `      scope: ${signing.scope}\n`}keys:
  ${signing.keyid}:
    algorithm: RS256
    key: |
${indent(signing.publicPem)}
`
  }`;
}

/** The shim's policy settings when the bundle is the policy: the embedded one until it arrives. */
export const EMBEDDED_POLICY = {
  policy: { kind: 'embedded' },
  dataFiles: [],
  entrypoint: 'mcp/decision',
  watch: false,
} as const;

/** `startFleetPolicy` on an OPA config (YAML text and the path it is read as). */
export async function startBundlePolicy(
  yaml: string,
  configPath: string,
  env: Record<string, string>,
  options: {
    readonly onBundleEvent?: (event: BundleEvent) => void;
    readonly firstBundleWaitMs?: number;
  } = {},
): Promise<FleetPolicy> {
  const started = await startFleetPolicy({
    fleet: readOpaConfig(yaml, configPath, {}),
    policy: EMBEDDED_POLICY,
    env,
    ...options,
  });
  if (started === undefined) throw new Error(`no bundle configured in ${configPath}`);
  return started;
}

/** Stops a server process we started (SIGTERM: nginx's and OPA's fast shutdown) and waits for it. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
