import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './fleet-setup.js';
import { opaPath } from '../../policy/opa-cli.js';
import { freePort } from './nginx.js';

/** A policy that allows everything but tools, and exactly the tools in `data.allowed_tools`; its denial names `marker`. */
export function decisionRego(marker: string): string {
  return `package mcp

default decision := {"allow": false, "message": "denied by ${marker}"}

decision := {"allow": true} if {
\tinput.operation.type != "tool"
}

# tools/list itself; its items are judged one by one, by name.
decision := {"allow": true} if {
\tinput.operation.type == "tool"
\tnot input.operation.name
}

decision := {"allow": true} if {
\tinput.operation.type == "tool"
\tinput.operation.name in data.allowed_tools
}
`;
}

export interface BuildOptions {
  readonly rego: string;
  readonly data?: unknown;
  readonly revision: string;
  /** PEM private key file (RS256) or HMAC secret, with its algorithm. */
  readonly signingKey?: string;
  readonly signingAlg?: string;
  readonly keyId?: string;
  /** A `--claims-file` (e.g. `{"scope": "write"}`). */
  readonly claims?: unknown;
}

/**
 * A bundle built (and signed) by the real `opa build` that both engines can run: the Rego (for
 * `opa run`, whose pinned build has no Wasm engine) and, at the root, the `policy.wasm` that
 * `opa build -t wasm` compiled from it (for the shim). The manifest names no Wasm resolvers, so
 * OPA evaluates the Rego; the shim evaluates the Wasm. The signature covers every file.
 */
export function buildBundle(options: BuildOptions): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bundle-'));
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'policy.rego'), options.rego);
  writeFileSync(join(src, 'data.json'), JSON.stringify(options.data ?? {}));
  const wasmBundle = join(dir, 'wasm.tar.gz');
  execFileSync(
    opaPath(),
    ['build', '-t', 'wasm', '-e', 'mcp/decision', '-o', wasmBundle, join(src, 'policy.rego')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  execFileSync('tar', ['-xzf', wasmBundle, '-C', src, '/policy.wasm'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const out = join(dir, 'bundle.tar.gz');
  const args = ['build', '-b', '.', '-r', options.revision, '-o', out];
  if (options.signingKey !== undefined) {
    args.push('--signing-key', options.signingKey, '--signing-alg', options.signingAlg ?? 'RS256');
    if (options.keyId !== undefined) args.push('--verification-key-id', options.keyId);
    if (options.claims !== undefined) {
      const claims = join(dir, 'claims.json');
      writeFileSync(claims, JSON.stringify(options.claims));
      args.push('--claims-file', claims);
    }
  }
  execFileSync(opaPath(), args, { cwd: src, stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(out);
}

/** A real `opa run --server` with the given configuration file, on an ephemeral port. */
export class OpaServer {
  private child: ChildProcess | undefined;
  port = 0;
  logs = '';

  async start(configFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
    this.port = await freePort();
    this.child = spawn(
      opaPath(),
      [
        'run',
        '--server',
        '--addr',
        `127.0.0.1:${String(this.port)}`,
        '--config-file',
        configFile,
        '--log-level',
        'debug',
      ],
      // Its own working directory: with `persist: true` OPA writes `.opa/bundles/` there.
      { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: mkdtempSync(join(tmpdir(), 'fleet-opa-')) },
    );
    this.child.stdout?.on('data', (chunk: Buffer) => (this.logs += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.logs += chunk.toString()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const response = await fetch(`${this.url}/health`);
        await response.arrayBuffer();
        return;
      } catch {
        if (this.child.exitCode !== null || Date.now() > deadline)
          throw new Error(`opa did not start: ${this.logs}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  /** The active revision of `bundle`, from OPA's own API (`data.system.bundles`), or undefined. */
  async bundleRevision(bundle: string): Promise<string | undefined> {
    const response = await fetch(`${this.url}/v1/data/system/bundles/${bundle}/manifest/revision`);
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === 'string' ? body.result : undefined;
  }

  /** OPA's decision for `input`, evaluated with the active bundle. */
  async decide(input: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/v1/data/mcp/decision`, {
      method: 'POST',
      body: JSON.stringify({ input }),
    });
    return ((await response.json()) as { result?: unknown }).result;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child);
  }
}
