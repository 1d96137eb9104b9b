import { describe, expect, it } from 'vitest';
import { shareStructure } from './shareStructure.ts';

describe('shareStructure', () => {
  it('hands back the previous value when the new one is equal throughout', () => {
    const previous = { order: { items: [{ sku: 'A', price: 2 }], total: 2 }, ok: true };
    const next = structuredClone(previous);
    expect(shareStructure(previous, next)).toBe(previous);
  });

  it('keeps the unchanged parts of a changed value and takes the changed ones', () => {
    const previous = { input: { items: [{ sku: 'A' }, { sku: 'B' }] }, total: 336 };
    const next = { input: { items: [{ sku: 'A' }, { sku: 'B' }] }, total: 352 };
    const shared = shareStructure(previous, next);
    expect(shared).toEqual(next);
    expect(shared).not.toBe(previous);
    expect(shared.input).toBe(previous.input);
  });

  it('tells apart added, removed and reordered keys and items, and values of another type', () => {
    expect(shareStructure({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(shareStructure({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    expect(shareStructure([1, 2, 3], [1, 2])).toEqual([1, 2]);
    expect(shareStructure([1, 2], [2, 1])).toEqual([2, 1]);
    expect(shareStructure({ a: [1] }, { a: { 0: 1 } })).toEqual({ a: { 0: 1 } });
    expect(shareStructure('1', 1)).toBe(1);
    expect(shareStructure(null, {})).toEqual({});
    expect(shareStructure({ a: 1 }, undefined)).toBeUndefined();
  });

  it('keeps a key named __proto__ as data', () => {
    const previous = JSON.parse('{"__proto__":{"p":1},"a":0}') as Record<string, unknown>;
    const next = JSON.parse('{"__proto__":{"p":2},"a":0}') as Record<string, unknown>;
    const shared = shareStructure(previous as never, next as never) as Record<string, unknown>;
    expect(Object.getPrototypeOf(shared)).toBe(Object.prototype);
    expect(Object.keys(shared)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(shared)).toBe('{"__proto__":{"p":2},"a":0}');
  });
});
