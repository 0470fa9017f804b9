/**
 * Other MCP gates measured beside the shim with `node bench/run.mjs --peers` (issue 14): each is
 * an extra path around the same echo server, in the same interleaved run. They are installed on
 * request by `bash scripts/install-peers.sh` into .tools/peers/ (never in CI); a peer that is not
 * installed is left out of the run and the page says so.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const PEERS_DIR = fileURLToPath(new URL('../../.tools/peers', import.meta.url));

/**
 * `perCall` says what the peer does on every `tools/call`, as read from its source and its audit
 * output in a run; `setup` writes what it needs into `workDir` and returns its command line.
 */
export const PEERS = [
  {
    id: 'peer-vellaveto',
    name: 'vellaveto-proxy',
    version: '6.1.1',
    source: 'crates.io',
    bin: join(PEERS_DIR, 'vellaveto', 'bin', 'vellaveto-proxy'),
    settings: '`--protect shield` (8 built-in policies)',
    perCall:
      'evaluates its policies, scans arguments for injection and DLP patterns (also across calls), scans the response, and appends a hash-chained JSON audit record (`proxy-audit.log` in its working directory)',
    setup(server) {
      return {
        command: this.bin,
        args: ['--protect', 'shield', '--', server.command, ...server.args],
      };
    },
  },
  {
    id: 'peer-aegis',
    name: 'aegis-sandbox',
    version: '0.9.0',
    source: 'PyPI',
    bin: join(PEERS_DIR, 'aegis', 'bin', 'aegis'),
    settings: '`aegis proxy`, a policy allowing the echo tool, default deny',
    perCall:
      'matches the tool against its policy rules, then appends a hash-chained row to a SQLite audit database (and a JSON event line to stderr) before forwarding',
    setup(server, workDir) {
      const workspace = join(workDir, 'workspace', '.keep');
      const policy = join(workDir, 'aegis-policy.json');
      const policyText = `${JSON.stringify({
        version: 1,
        workspace_roots: [dirname(workspace)],
        deny_paths: [],
        allowed_domains: [],
        sandbox_domains: [],
        tool_rules: { echo: { effect: 'allow' } },
        default_effect: 'deny',
        ask_behavior: 'deny',
      })}\n`;
      return {
        command: this.bin,
        args: ['proxy', '--', server.command, ...server.args],
        files: { [policy]: policyText, [workspace]: '' },
        env: {
          AEGIS_POLICY: policy,
          AEGIS_AUDIT_DB: join(workDir, 'aegis-audit.db'),
          AEGIS_KEY_DIR: join(workDir, 'aegis-keys'),
        },
      };
    },
  },
  {
    id: 'peer-mcp-fw',
    name: 'mcp-fw',
    version: '0.2.8',
    source: 'PyPI',
    bin: join(PEERS_DIR, 'mcp-fw', 'bin', 'mcp-fw'),
    settings: '`mcp-fw run`, a policy allowing all seven effect classes (so the echo tool passes)',
    perCall:
      'an MCP SDK server in front of an MCP SDK client: every message is parsed into SDK objects and re-serialised; a call is checked against the tool names allowed by the effect classes inferred from `tools/list`; no audit record',
    setup(server, workDir) {
      const config = join(workDir, 'mcp-fw-policy.yaml');
      const configText = [
        'servers:',
        '  echo:',
        `    command: ${JSON.stringify(server.command)}`,
        `    args: ${JSON.stringify(server.args)}`,
        '    allow: [FS, IO, MUT, NET, PROC, RAND, TIME]',
        '',
      ].join('\n');
      return {
        command: this.bin,
        args: ['run', '--config', config, '--server', 'echo'],
        files: { [config]: configText },
        env: { MCP_FW_STATE_DIR: join(workDir, 'mcp-fw-state') },
      };
    },
  },
];

export function peerInstalled(peer) {
  return existsSync(peer.bin);
}

/**
 * The installed peers as bench paths around `server`, each with its own working directory under
 * `workDir` (vellaveto writes its audit log into its working directory) holding its settings.
 * With `write: false` nothing is written: the paths only describe the commands.
 */
export function peerPaths(server, workDir, { write = true } = {}) {
  return PEERS.filter(peerInstalled).map((peer) => {
    const dir = join(workDir, peer.id);
    const { command, args, env, files = {} } = peer.setup(server, dir);
    if (write) {
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
    }
    return {
      id: peer.id,
      label: `${peer.name} ${peer.version}`,
      command,
      args,
      cwd: dir,
      relayed: true,
      peer: true,
      ...(env === undefined ? {} : { env }),
    };
  });
}

/** The peers that are not installed, for the page's note. */
export function missingPeers() {
  return PEERS.filter((peer) => !peerInstalled(peer));
}
