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
