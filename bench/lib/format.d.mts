export function formatFixed(value: number | undefined, digits?: number): string;
export function formatMicros(value: number | undefined): string;
export function formatMillis(value: number | undefined, digits?: number): string;
export function formatRatio(value: number | undefined): string;
export function formatRate(value: number | undefined): string;
export function formatMiB(bytes: number | undefined): string;
export function formatPercent(value: number | undefined): string;
export function formatChange(fraction: number | undefined): string;
