import { describe, expect, it } from 'vitest';
import { compareToBaselines } from '../../bench/lib/baselines.mjs';
import { renderPeerSection, type PeerDescription } from '../../bench/lib/peer-report.mjs';

/** The page's peer table (`node bench/run.mjs --peers`), from the figures of one run. */
const installed: PeerDescription = {
  id: 'peer-a',
  name: 'gate-a',
  version: '1.2.3',
  source: 'PyPI',
  settings: '`gate-a proxy`',
  perCall: 'writes an audit row',
  installed: true,
};
const missing: PeerDescription = {
  ...installed,
  id: 'peer-b',
  name: 'gate-b',
  version: '0.9.0',
  source: 'crates.io',
  installed: false,
};

const roundtrip = {
  figures: {
    p50: compareToBaselines({
      direct: 100,
      relay: 140,
      shim: 180,
      'shim-audit': 190,
      'peer-a': 600,
    }),
    p99: compareToBaselines({
      direct: 200,
      relay: 300,
      shim: 350,
      'shim-audit': 400,
      'peer-a': 2200,
    }),
  },
};
const coldStart = {
  figures: {
    p50: compareToBaselines({ direct: 50, relay: 90, shim: 100, 'shim-audit': 105, 'peer-a': 250 }),
  },
};

describe('renderPeerSection', () => {
  it('puts each installed peer beside the relay and the shim, with its version and per-call work', () => {
    const page = renderPeerSection({
      command: 'npm run bench -- --peers',
      peers: [installed],
      roundtrip,
      coldStart,
    });
    expect(page).toContain('## Peers');
    expect(page).toContain('`npm run bench -- --peers`');
    const rows = page.split('\n').filter((line) => line.startsWith('| '));
    expect(rows.map((row) => row.split(' | ')[0])).toEqual([
      '| gate',
      '| ---',
      '| plain relay',
      '| mcp-opa-shim',
      '| mcp-opa-shim + `--audit-log`',
      '| gate-a',
    ]);
    // Added p50 500 µs = 12.5× the relay's 40 µs; added p99 2,000 µs; cold start 200 ms = 5× 40 ms.
    expect(rows[5]).toBe(
      '| gate-a | 1.2.3 | 500.0 µs | 2,000.0 µs | 12.50× | 200.0 ms | 5.00× | PyPI; `gate-a proxy` | writes an audit row |',
    );
    expect(rows[3]).toContain('| 80.0 µs | 150.0 µs | 2.00× | 50.0 ms | 1.25× |');
  });

  it('skips a peer that is not installed, with a note saying how to install it', () => {
    const page = renderPeerSection({
      command: 'npm run bench -- --peers',
      peers: [installed, missing],
      roundtrip,
      coldStart,
    });
    expect(page).not.toMatch(/^\| gate-b /m);
    expect(page).toContain(
      '- gate-b 0.9.0 (crates.io) is not installed, so it was skipped: `bash scripts/install-peers.sh` installs it.',
    );
  });

  it('says when a scenario with peer figures did not run', () => {
    const page = renderPeerSection({ command: 'x', peers: [installed], roundtrip });
    expect(page).toContain('The round-trip or cold-start scenario did not run');
    expect(page).toMatch(
      /^\| gate-a \| 1\.2\.3 \| 500\.0 µs \| 2,000\.0 µs \| 12\.50× \| n\/a \| n\/a \|/m,
    );
  });
});
