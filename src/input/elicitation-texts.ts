import { isJsonObject, type JsonObject } from '../core/json-rpc.js';
import { foldText } from './fold-text.js';

/** A raw string longer than this is not folded whole (the cut is flagged, never silent). */
const MAX_RAW_CHARS = 16 * 1024;
/** The folded message and each folded schema text are cut here. */
const MAX_FOLDED_CHARS = 4096;
/** Distinct schema texts passed to the policy. */
const MAX_TEXTS = 256;
/** All folded texts together, message included: the input stays small whatever the server sends. */
const MAX_TOTAL_CHARS = 16 * 1024;
/** A requested schema is flat in the spec; a deeper or larger one is not walked whole. */
const MAX_DEPTH = 16;
const MAX_NODES = 4096;

export interface FoldedElicitation {
  /** The request's `message`, folded ("" when absent). */
  readonly folded_message: string;
  /** Form mode: every string of `requestedSchema`, folded: property names, titles, descriptions, enum values and titles, defaults. */
  readonly folded_texts?: readonly string[];
  /** True when something was cut: the policy cannot know it saw everything the user will. */
  readonly folded_truncated: boolean;
}

/**
 * The texts of an `elicitation/create` the client may show the user, folded (fold-text.ts) so
 * that the policy's secret heuristics see `pаssword` (Cyrillic а), `ＰＩＮ` and `pass\u200Bword`
 * as what they read as. The whole schema is walked, not a list of keywords: a client may render
 * any of its strings.
 */
export function foldElicitation(
  params: JsonObject | undefined,
  mode: 'form' | 'url',
): FoldedElicitation {
  const state = { truncated: false, nodes: 0, chars: 0 };
  const folded_message = fold(params?.message, state) ?? '';
  state.chars = folded_message.length;
  if (mode === 'url') return { folded_message, folded_truncated: state.truncated };
  const texts = new Set<string>();
  walk(params?.requestedSchema, 0, undefined, texts, state);
  return { folded_message, folded_texts: [...texts], folded_truncated: state.truncated };
}

interface WalkState {
  truncated: boolean;
  nodes: number;
  chars: number;
}

function walk(
  value: unknown,
  depth: number,
  parentKey: string | undefined,
  texts: Set<string>,
  state: WalkState,
): void {
  if (state.truncated) return;
  if (depth > MAX_DEPTH || ++state.nodes > MAX_NODES) {
    state.truncated = true;
    return;
  }
  if (typeof value === 'string') {
    add(value, texts, state);
  } else if (Array.isArray(value)) {
    for (const item of value as unknown[]) walk(item, depth + 1, undefined, texts, state);
  } else if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      // The keys of `properties` are the field names the user is asked to fill in.
      if (parentKey === 'properties') add(key, texts, state);
      walk(child, depth + 1, key, texts, state);
    }
  }
}

function add(raw: string, texts: Set<string>, state: WalkState): void {
  const text = fold(raw, state);
  if (text === undefined || text === '' || texts.has(text)) return;
  if (texts.size >= MAX_TEXTS || state.chars + text.length > MAX_TOTAL_CHARS) {
    state.truncated = true;
    return;
  }
  state.chars += text.length;
  texts.add(text);
}

function fold(raw: unknown, state: WalkState): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw.length > MAX_RAW_CHARS) state.truncated = true;
  const text = foldText(raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw);
  if (text.length <= MAX_FOLDED_CHARS) return text;
  state.truncated = true;
  return text.slice(0, MAX_FOLDED_CHARS);
}
