import type { BaselineComparison } from './baselines.mjs';
export interface PeerDescription {
  id: string;
  name: string;
  version: string;
  source: string;
  settings: string;
  perCall: string;
  installed: boolean;
}
type Figures = Record<string, BaselineComparison>;
export interface PeerSection {
  command: string;
  peers: PeerDescription[];
  roundtrip?: { figures?: { p50: Figures; p99: Figures } };
  coldStart?: { figures?: { p50: Figures } };
}
export function renderPeerSection(section: PeerSection): string;
