import { describe, expect, it } from 'vitest';
import { objectJson, partJson } from '../../src/audit/part-json.js';
import { toolCall } from './helpers/inputs.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value) as unknown[]) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('objectJson', () => {
  it('writes the same text as JSON.stringify for a policy input', () => {
    const input = toolCall('read_text_file', { path: 'a "quoted"\n\u2028 ☃ path' }, ['a']);
    expect(objectJson(input)).toBe(JSON.stringify(input));
  });

  it('writes a deeply frozen part the same on every use, beside the parts that change', () => {
    const principal = deepFreeze({ id: 'alice', roles: ['dev'], attributes: { team: 'a' } });
    const first = { ...toolCall('read_text_file', { path: 'a' }, ['a']), principal };
    expect(objectJson(first)).toBe(JSON.stringify(first));
    const second = { ...toolCall('write_file', { path: 'b', content: 'x' }, ['b']), principal };
    expect(objectJson(second)).toBe(JSON.stringify(second));
    expect(objectJson(second)).toContain('"principal":{"id":"alice","roles":["dev"]');
  });

  it('serialises a deeply frozen part once, however often it recurs', () => {
    let reads = 0;
    const environment = Object.freeze(
      Object.defineProperty({}, 'names', {
        enumerable: true,
        get: () => {
          reads += 1;
          return Object.freeze(['HOME']);
        },
      }),
    );
    const input = { ...toolCall('read_text_file', {}, []), environment };
    expect(objectJson(input)).toContain('"environment":{"names":["HOME"]}');
    expect(objectJson({ ...input, message: { kind: 'request' } })).toContain(
      '"environment":{"names":["HOME"]}',
    );
    // JSON.stringify once, the frozenness check once: never again.
    expect(reads).toBe(2);
  });

  it('never serves stale text for a part that is frozen only on the surface', () => {
    const roles = ['dev'];
    const principal = Object.freeze({ id: 'alice', roles, attributes: {} });
    const input = { ...toolCall('read_text_file', {}, []), principal };
    expect(objectJson(input)).toContain('"roles":["dev"]');
    roles.push('admin');
    expect(objectJson(input)).toContain('"roles":["dev","admin"]');
    expect(objectJson(input)).toBe(JSON.stringify(input));
  });

  it('never serves stale text for a mutable part seen before', () => {
    const counts: Record<string, number> = { tool: 1 };
    const input = { ...toolCall('read_text_file', {}, []), counts };
    expect(objectJson(input)).toBe(JSON.stringify(input));
    counts['tool'] = 2;
    expect(objectJson(input)).toContain('"counts":{"tool":2}');
  });

  it('leaves out undefined, function and symbol values, as JSON.stringify does', () => {
    const value = { a: undefined, b: () => 1, c: Symbol('c'), d: [undefined], e: null, f: 1 };
    expect(objectJson(value)).toBe(JSON.stringify(value));
    expect(objectJson({ a: undefined })).toBe('{}');
  });

  it('falls back to JSON.stringify for arrays, class instances and objects with toJSON', () => {
    const when = Object.freeze(new Date(0));
    expect(objectJson([1, { a: 2 }])).toBe('[1,{"a":2}]');
    expect(objectJson(when)).toBe(JSON.stringify(when));
    expect(objectJson({ toJSON: () => 'x' })).toBe('"x"');
    expect(objectJson({ at: when })).toBe(JSON.stringify({ at: when }));
  });
});

describe('partJson', () => {
  it('does not cache a frozen Date, whose time can still change', () => {
    const when = Object.freeze(new Date(0));
    const holder = deepFreeze({ when });
    expect(partJson(holder)).toBe('{"when":"1970-01-01T00:00:00.000Z"}');
    when.setTime(1000);
    expect(partJson(holder)).toBe('{"when":"1970-01-01T00:00:01.000Z"}');
  });
});
