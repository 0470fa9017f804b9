import type { BudgetCheck } from './budgets.mjs';
export interface ScenarioResult {
  name: string;
  title: string;
  about: string;
  command: string;
  settings: string;
  tables: { caption?: string; columns: string[]; rows: (string | number)[][] }[];
  budgets: BudgetCheck[];
  notes: string[];
  chartFile?: string;
}
export interface Report {
  generatedAt: string;
  quick: boolean;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    os: string;
    node: string;
    load: number;
  };
  loadAtEnd?: number;
  paths: { label: string; command: string }[];
  scenarios: ScenarioResult[];
  analysis?: string;
  /** From bench/lib/peer-report.mjs, with `--peers`. */
  peerSection?: string;
}
export function markdownTable(
  columns: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string;
export function passMark(pass: boolean | undefined): string;
export function renderReport(report: Report): string;
