export interface Budget {
  id: string;
  scenario: string;
  text: string;
  limit: number;
  kind: 'max' | 'min';
  unit: 'ratio' | 'percent' | 'µs';
}
export interface BudgetCheck extends Budget {
  measured: number | undefined;
  pass: boolean | undefined;
  note?: string;
}
export const BUDGETS: readonly Budget[];
export function findBudget(id: string): Budget;
export function checkBudget(id: string, measured: number | undefined, note?: string): BudgetCheck;
export function formatBudgetValue(budget: Budget, value: number | undefined): string;
export function describeMiss(check: BudgetCheck): string;
