import { describe, expect, it } from 'vitest';
import { checkData, DATA_LIMITS, shortPointer } from './limits.ts';

describe('checkData', () => {
  it('accepts JSON within the caps, including prototype-named keys', () => {
    expect(checkData(JSON.parse('{"__proto__": {"a": [1, "x", null, true]}}'))).toBeUndefined();
    expect(checkData(Object.assign(Object.create(null) as object, { a: 1 }))).toBeUndefined();
  });

  it('points at the first container past the depth cap, escaping tokens', () => {
    let value: unknown = 1;
    for (let i = 0; i < DATA_LIMITS.depth + 5; i++) value = { 'a/b': [value] };
    const problem = checkData(value);
    expect(problem?.kind).toBe('limit');
    expect(problem?.path.startsWith('/a~1b/0/a~1b/0')).toBe(true);
    expect((problem?.path ?? '').split('/').length - 1).toBe(DATA_LIMITS.depth);
  });

  it('refuses long arrays, wide objects and huge text', () => {
    expect(checkData({ list: new Array(DATA_LIMITS.arrayLength + 1).fill(0) })).toMatchObject({
      kind: 'limit',
      path: '/list',
    });
    const wide: Record<string, number> = {};
    for (let i = 0; i <= DATA_LIMITS.objectSize; i++) wide[`k${i}`] = i;
    expect(checkData([wide])).toMatchObject({ kind: 'limit', path: '/0' });
    const text = 'x'.repeat(DATA_LIMITS.textLength / 4);
    expect(checkData([text, text, text, text])).toMatchObject({ kind: 'limit', path: '' });
  });

  it('names values JSON cannot hold, where they are', () => {
    expect(checkData({ a: [0, Infinity] })).toMatchObject({ kind: 'type', path: '/a/1' });
    expect(checkData({ f: () => 1 })).toMatchObject({ kind: 'type', path: '/f' });
    expect(checkData({ d: new Date(0) })).toMatchObject({ kind: 'type', path: '/d' });
    expect(checkData({ u: undefined })).toMatchObject({ kind: 'type', path: '/u' });
  });

  it('finds the same problems in a small flat value as in any other', () => {
    expect(checkData({ a: 1, b: 'x', c: null, d: [] })).toBeUndefined();
    expect(checkData({ a: 1, n: NaN })).toMatchObject({ kind: 'type', path: '/n' });
    // eslint-disable-next-line no-sparse-arrays
    expect(checkData([1, , 2])).toMatchObject({ kind: 'type', path: '/1' });
    expect(checkData(new Date(0))).toMatchObject({ kind: 'type', path: '' });
    expect(checkData({ [`k${'y'.repeat(2000)}`]: 1, f: () => 1 })).toMatchObject({
      kind: 'type',
      path: '/f',
    });
  });

  it('stops on a cycle instead of looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(checkData(cyclic)?.kind).toBe('limit');
  });

  it('shortens long pointers for messages', () => {
    expect(shortPointer('')).toBe('(root)');
    expect(shortPointer('/a/b')).toBe('/a/b');
    expect(shortPointer('/a'.repeat(100)).length).toBeLessThanOrEqual(80);
  });
});
