import { afterEach, describe, expect, it, vi } from 'vitest';
import { objectJson, partJson } from '../../src/audit/part-json.js';
import { toolCall } from './helpers/inputs.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value) as unknown[]) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

afterEach(() => {
  vi.restoreAllMocks();
});

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
    // Counts every look at the part's members; the proxy keeps the frozen target's answers.
    const environment = new Proxy(deepFreeze({ names: ['HOME'] }), {
      getOwnPropertyDescriptor(target, key) {
        reads += 1;
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    const input = { ...toolCall('read_text_file', {}, []), environment };
    const next = { ...input, message: { kind: 'request' } };
    const first = objectJson(input);
    const afterFirst = reads;
    const second = objectJson(next);
    // The second time, only the frozenness check looks at it; its members are not read again.
    expect(reads - afterFirst).toBeLessThan(afterFirst);
    expect(first).toBe(JSON.stringify(input));
    expect(second).toBe(JSON.stringify(next));
  });

  it('writes a rebuilt session whose recent entries are frozen and reused as JSON.stringify does', () => {
    const entries = [1, 2, 3].map((n) =>
      deepFreeze({ type: 'tool', name: `t${String(n)}`, allow: n !== 2 }),
    );
    const base = toolCall('read_text_file', {}, []);
    for (const recent of [entries.slice(0, 2), entries.slice(1), [...entries, undefined]]) {
      const input = {
        ...base,
        session: { ...base.session, counts: { tool: 3 }, recent: deepFreeze(recent) },
      };
      expect(objectJson(input)).toBe(JSON.stringify(input));
    }
  });

  it('writes frozen arrays with holes, odd items and extra properties as JSON.stringify does', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3, undefined, () => 0, Symbol('s'), 'x'];
    const extra = Object.assign(['a'], { note: 'not serialised' });
    const value = deepFreeze({ sparse, extra, symbolKey: { [Symbol('k')]: 1, kept: true } });
    const input = { ...toolCall('read_text_file', {}, []), environment: value };
    expect(objectJson(input)).toBe(JSON.stringify(input));
    expect(objectJson(input)).toBe(JSON.stringify(input));
  });

  it('never caches a frozen part with a getter, which may answer differently each time', () => {
    let name = 'HOME';
    const environment = Object.freeze(
      Object.defineProperty({}, 'names', { enumerable: true, get: () => Object.freeze([name]) }),
    );
    const input = { ...toolCall('read_text_file', {}, []), environment };
    expect(objectJson(input)).toContain('"environment":{"names":["HOME"]}');
    name = 'PATH';
    expect(objectJson(input)).toContain('"environment":{"names":["PATH"]}');
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
