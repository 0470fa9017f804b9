import { frozenJson } from './frozen-json.js';
import type { OpaAbi } from './wasm-abi.js';

/**
 * Input paths whose values the input builder reuses across messages (deeply frozen), most
 * stable first: a change rebuilds that path's slot and every slot after it. Paths have one or
 * two keys, and none is a prefix of another (linking a member into a cached value would change
 * it); `session.counts` is left out because it changes with every judged message.
 */
export const CACHED_PATHS: readonly (readonly [string] | readonly [string, string])[] = [
  ['transport'],
  ['mode'],
  ['approval'],
  ['principal'],
  ['roots'],
  ['environment'],
  ['server'],
  ['client'],
  ['session', 'id'],
  ['session', 'started_at'],
  ['session', 'era'],
  // It changes from one tool to the next, and from one list item to the next, but it keeps the
  // values it has seen (compared by JSON text), so it grows only when a new one comes.
  ['operation'],
  // Last: while an agent switches tools, it changes with every call.
  ['session', 'recent'],
];

/**
 * Built afresh for every message, so compared by JSON text (serialised every time anyway). Such a
 * slot keeps every distinct value it has parsed, up to the limits below, so an agent switching
 * between its tools, or a client listing the same catalog again, reuses them.
 */
const COMPARED_BY_TEXT = new Set(['operation']);

/** What a by-text slot may keep before it starts over: values, and Wasm heap bytes. */
export const BY_TEXT_LIMITS = { values: 4096, bytes: 8 * 1024 * 1024 } as const;

interface Slot {
  readonly path: readonly string[];
  readonly byText: boolean;
  /** The value last seen at the path; `text` its JSON when cached. */
  value: unknown;
  text: string | undefined;
  /** The parsed path and value; 0 when the value is serialised per evaluation instead. */
  pathAddr: number;
  valueAddr: number;
  /** By-text slots: every value parsed since the slot was rebuilt, by JSON text. */
  readonly parsed: Map<string, number> | undefined;
  /** Heap pointer where the slot's allocations start. */
  start: number;
  /** Heap pointer after this slot's allocations. */
  end: number;
}

const UNSEEN = Symbol('unseen');

/**
 * Keeps the Wasm values of the cached paths in a heap region between the data and the
 * per-evaluation heap. Per evaluation only the rest of the input is serialised and parsed; the
 * cached values are linked into the parsed input. A deeply frozen value cannot change, so a
 * slot stays valid while the same object, or one with the same JSON, is passed; any other value
 * is serialised every time. A changed slot is rebuilt in place with the slots after it, so the
 * region holds only the current values, except in a slot compared by JSON text (`operation`): it
 * keeps the values it has seen (within BY_TEXT_LIMITS, then it starts over), and a new one is
 * parsed after them, rebuilding only the slots after it.
 */
export class InputRegion {
  private readonly slots: Slot[];
  /** Slot index by top-level key, and by member name for two-key paths. */
  private readonly topIndex = new Map<string, number>();
  private readonly memberIndex = new Map<string, Map<string, number>>();
  /** Top-level keys whose whole value is linked in. */
  private readonly wholeKeys = new Set<string>();
  /** Top-level keys some of whose members are linked in: the member names. */
  private readonly cachedMembers = new Map<string, Set<string>>();

  /** `base`: the heap pointer after the data, where the region starts. */
  constructor(
    private readonly abi: OpaAbi,
    private readonly base: number,
    paths: readonly (readonly string[])[] = CACHED_PATHS,
  ) {
    this.slots = paths.map((path) => {
      const byText = path.length === 1 && COMPARED_BY_TEXT.has(path[0] ?? '');
      return {
        path,
        byText,
        value: UNSEEN,
        text: undefined,
        pathAddr: 0,
        valueAddr: 0,
        parsed: byText ? new Map<string, number>() : undefined,
        start: base,
        end: base,
      };
    });

    this.slots.forEach(({ path: [key, member] }, index) => {
      if (key === undefined) return;
      if (member === undefined) {
        this.topIndex.set(key, index);
      } else {
        const members = this.memberIndex.get(key) ?? new Map<string, number>();
        members.set(member, index);
        this.memberIndex.set(key, members);
      }
    });
  }

  /** Parses a plain-object `input` into the heap after the region (resetting that heap). */
  load(input: object): number {
    const values = this.valuesOf(input);
    this.refresh(values);
    const { abi, slots } = this;
    abi.heapPtr = this.end();
    const addr = abi.parseJson(JSON.stringify(this.uncached(input)));
    for (const slot of slots) {
      if (slot.valueAddr !== 0) abi.addPath(addr, slot.pathAddr, slot.valueAddr);
    }
    return addr;
  }

  /** Parses a whole value into the heap after the region, caching nothing; 0 for no input. */
  loadWhole(value: unknown): number {
    this.abi.heapPtr = this.end();
    const json = JSON.stringify(value) as string | undefined;
    return json === undefined ? 0 : this.abi.parseJson(json);
  }

  private end(): number {
    return this.slots.at(-1)?.end ?? this.base;
  }

  /**
   * The value at each slot's path, as JSON.stringify would see it: own enumerable properties
   * only, members only of plain objects (an array's extra properties are not serialised).
   */
  private valuesOf(input: object): unknown[] {
    const values = new Array<unknown>(this.slots.length).fill(undefined);
    const record = input as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      const index = this.topIndex.get(key);
      if (index !== undefined) values[index] = record[key];
      const members = this.memberIndex.get(key);
      const value = record[key];
      if (members === undefined || !isPlainObject(value)) continue;
      for (const member of Object.keys(value)) {
        const memberIndex = members.get(member);
        if (memberIndex !== undefined)
          values[memberIndex] = (value as Record<string, unknown>)[member];
      }
    }
    return values;
  }

  /** Finds the first slot whose value changed and rebuilds from there. */
  private refresh(values: readonly unknown[]): void {
    const { slots } = this;
    for (let index = 0; index < slots.length; index++) {
      const slot = slots[index];
      const value = values[index];
      if (slot === undefined || (value === slot.value && !slot.byText)) continue;
      if (slot.value !== UNSEEN && this.stillValid(slot, value)) {
        slot.value = value;
        continue;
      }
      const switched = slot.value === UNSEEN ? 'rebuild' : this.switchParsed(slot, value);
      if (switched === 'kept') continue;
      // A value parsed after the slot's others took the heap of the slots after it.
      this.rebuild(switched === 'grown' ? index + 1 : index, values);
      return;
    }
  }

  /** A new value with the same JSON needs no new Wasm value; nor does one serialised per evaluation. */
  private stillValid(slot: Slot, value: unknown): boolean {
    const text = textOf(slot, value);
    return slot.valueAddr === 0 ? text === undefined : text === slot.text;
  }

  /**
   * A by-text slot points at its new value when it parsed it before (`kept`), or parses it after
   * its others while the limits allow (`grown`: the slots after it must be rebuilt). Otherwise
   * the slot itself must be rebuilt, which starts its values over.
   */
  private switchParsed(slot: Slot, value: unknown): 'kept' | 'grown' | 'rebuild' {
    const { parsed } = slot;
    if (parsed === undefined || slot.valueAddr === 0) return 'rebuild';
    const text = textOf(slot, value);
    if (text === undefined) return 'rebuild';
    let valueAddr = parsed.get(text);
    let grown = false;
    if (valueAddr === undefined) {
      if (parsed.size >= BY_TEXT_LIMITS.values || slot.end - slot.start >= BY_TEXT_LIMITS.bytes)
        return 'rebuild';
      this.abi.heapPtr = slot.end;
      valueAddr = this.abi.parseJson(text);
      slot.end = this.abi.heapPtr;
      parsed.set(text, valueAddr);
      grown = true;
    }
    slot.value = value;
    slot.text = text;
    slot.valueAddr = valueAddr;
    return grown ? 'grown' : 'kept';
  }

  private rebuild(from: number, values: readonly unknown[]): void {
    const { abi, slots } = this;
    abi.heapPtr = slots[from - 1]?.end ?? this.base;
    for (let index = from; index < slots.length; index++) {
      const slot = slots[index];
      if (slot === undefined) break;
      slot.start = abi.heapPtr;
      slot.value = values[index];
      slot.text = textOf(slot, slot.value);
      slot.parsed?.clear();
      if (slot.text === undefined) {
        slot.pathAddr = 0;
        slot.valueAddr = 0;
      } else {
        slot.pathAddr = abi.parseJson(JSON.stringify(slot.path));
        slot.valueAddr = abi.parseJson(slot.text);
        slot.parsed?.set(slot.text, slot.valueAddr);
      }
      slot.end = abi.heapPtr;
    }
    this.indexCachedKeys();
  }

  private indexCachedKeys(): void {
    this.wholeKeys.clear();
    this.cachedMembers.clear();
    for (const { path, valueAddr } of this.slots) {
      const [key, member] = path;
      if (valueAddr === 0 || key === undefined) continue;
      if (member === undefined) {
        this.wholeKeys.add(key);
      } else {
        const members = this.cachedMembers.get(key) ?? new Set<string>();
        members.add(member);
        this.cachedMembers.set(key, members);
      }
    }
  }

  /** The input without the values linked in from the region (one object: one JSON.stringify). */
  private uncached(input: object): Record<string, unknown> {
    const own: Record<string, unknown> = {};
    const record = input as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (this.wholeKeys.has(key)) continue;
      const members = this.cachedMembers.get(key);
      // Members are cached only while the value is a plain object (see valuesOf).
      own[key] = members === undefined ? record[key] : without(record[key] as object, members);
    }
    return own;
  }
}

/** The JSON a slot caches for `value`, or undefined when the value is serialised per evaluation. */
function textOf(slot: Slot, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return slot.byText ? JSON.stringify(value) : frozenJson(value);
}

function without(object: object, skip: ReadonlySet<string>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  const record = object as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!skip.has(key)) rest[key] = record[key];
  }
  return rest;
}

export function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    !Object.prototype.hasOwnProperty.call(value, 'toJSON')
  );
}
