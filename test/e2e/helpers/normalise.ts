/**
 * Replaces only what legitimately differs between two runs of the same
 * scenario: random ids and wall-clock times. Everything else must match.
 */
const uuid = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const isoTime = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})\b/g;
const clockTime = /\b\d{1,2}:\d{2}:\d{2}(?:\s?[AP]M)?/g;
// The v1 SDK's task ids: 16 random bytes in hex.
const hexId = /\b[0-9a-f]{32}\b/g;

export function normaliseText(text: string): string {
  return text
    .replace(uuid, '<uuid>')
    .replace(isoTime, '<iso-time>')
    .replace(clockTime, '<clock-time>')
    .replace(hexId, '<hex-id>');
}

export function normalise(value: unknown): unknown {
  if (typeof value === 'string') return normaliseText(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      // Blobs are base64 of text that embeds a time: compare the decoded, normalised text.
      Object.entries(value).map(([key, inner]) => [
        key,
        key === 'blob' && typeof inner === 'string'
          ? `base64:${decodeBlob(inner)}`
          : normalise(inner),
      ]),
    );
  }
  return value;
}

/** Decodes a base64 blob whose text embeds a time, so that it can be normalised. */
export function decodeBlob(blob: string): string {
  return normaliseText(Buffer.from(blob, 'base64').toString('utf8'));
}
