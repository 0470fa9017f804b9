export type DataDocument = Record<string, unknown>;

export function isPlainObject(value: unknown): value is DataDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key, recursively; anything else (arrays included) from `overlay` replaces. */
export function mergeData(base: DataDocument, overlay: DataDocument): DataDocument {
  const merged: DataDocument = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const existing = merged[key];
    merged[key] =
      isPlainObject(existing) && isPlainObject(value) ? mergeData(existing, value) : value;
  }
  return merged;
}

/** `value` placed under `keys`: (["a","b"], v) → {a: {b: v}}. */
export function nestData(keys: readonly string[], value: DataDocument): DataDocument {
  return keys.reduceRight<DataDocument>((inner, key) => ({ [key]: inner }), value);
}
