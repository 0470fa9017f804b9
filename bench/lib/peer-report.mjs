/**
 * The page's peer section (`node bench/run.mjs --peers`): the shim beside the other MCP gates,
 * from the round-trip and cold-start scenarios of the same run. Pure: data in, Markdown out.
 */
import { formatMicros, formatMillis, formatRatio } from './format.mjs';
import { markdownTable } from './report.mjs';

const GATES = [
  {
    id: 'relay',
    label: 'plain relay',
    version: '-',
    from: 'bench/plain-relay.mjs',
    perCall: 'pipes bytes, judges nothing',
  },
  {
    id: 'shim',
    label: 'mcp-opa-shim',
    version: 'this build',
    from: 'this repository',
    perCall:
      'parses and classifies the message, builds the policy input, evaluates the Wasm policy; no audit record',
  },
  {
    id: 'shim-audit',
    label: 'mcp-opa-shim + `--audit-log`',
    version: 'this build',
    from: 'this repository',
    perCall:
      'as above, then appends a hash-chained JSON audit record before forwarding (write-ahead)',
  },
];

/**
 * @param {{ command: string, peers: { id: string, name: string, version: string, source: string,
 *   settings: string, perCall: string, installed: boolean }[], roundtrip?: { figures?: any },
 *   coldStart?: { figures?: any } }} section
 */
export function renderPeerSection(section) {
  const p50 = section.roundtrip?.figures?.p50 ?? {};
  const p99 = section.roundtrip?.figures?.p99 ?? {};
  const cold = section.coldStart?.figures?.p50 ?? {};
  const installed = section.peers.filter((peer) => peer.installed);
  const missing = section.peers.filter((peer) => !peer.installed);
  const gates = [
    ...GATES,
    ...installed.map((peer) => ({
      id: peer.id,
      label: peer.name,
      version: peer.version,
      from: `${peer.source}; ${peer.settings}`,
      perCall: peer.perCall,
    })),
  ];
  const rows = gates.map((gate) => [
    gate.label,
    gate.version,
    formatMicros(p50[gate.id]?.added),
    formatMicros(p99[gate.id]?.added),
    formatRatio(p50[gate.id]?.addedVsRelay),
    formatMillis(cold[gate.id]?.added),
    formatRatio(cold[gate.id]?.addedVsRelay),
    gate.from,
    gate.perCall,
  ]);
  const lines = [
    '## Peers',
    '',
    `Other MCP gates that can be installed, run as extra paths in the same interleaved round-trip and cold-start scenarios as the shim (their own tables above list them too). Command: \`${section.command}\`, after \`bash scripts/install-peers.sh\` (installs each peer at the version below into \`.tools/peers/\`; never run in CI). "Added" is the path minus the direct connection; the ratios divide it by the plain relay's added figure.`,
    '',
    markdownTable(
      [
        'gate',
        'version',
        'round trip added p50',
        'added p99',
        'added p50 vs relay’s',
        'cold start added p50',
        'vs relay’s',
        'from; run as',
        'what it does per call',
      ],
      rows,
    ),
    '',
  ];
  for (const peer of missing)
    lines.push(
      `- ${peer.name} ${peer.version} (${peer.source}) is not installed, so it was skipped: \`bash scripts/install-peers.sh\` installs it.`,
    );
  if (section.roundtrip === undefined || section.coldStart === undefined)
    lines.push('- The round-trip or cold-start scenario did not run, so some figures are n/a.');
  if (missing.length > 0 || section.roundtrip === undefined || section.coldStart === undefined)
    lines.push('');
  return lines.join('\n');
}
