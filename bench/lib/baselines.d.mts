export interface BaselineComparison {
  value: number | undefined;
  vsDirect: number | undefined;
  vsRelay: number | undefined;
  added: number | undefined;
  addedVsRelay: number | undefined;
}
export function compareToBaselines(
  byPath: Record<string, number | undefined>,
): Record<string, BaselineComparison>;
export function compareStat(
  paths: readonly { id: string }[],
  stats: Record<string, Record<string, number | undefined>>,
  key: string,
): Record<string, BaselineComparison>;
