import { describe, expect, it } from 'vitest';
import { NotJson, RESULT_LIMITS, assertFastResult, toJson } from './result.ts';
import { LIMITS } from './guards.ts';

function sequence(...items: unknown[]): unknown[] {
  return Object.assign(items, { sequence: true, keepSingleton: true });
}

describe('toJson', () => {
  it('copies sequences into plain arrays without their marks', () => {
    const result = toJson(sequence(1, sequence('a', 'b')));
    expect(result).toEqual([1, ['a', 'b']]);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
  });

  it('drops undefined items and members, as JSONata serialises them', () => {
    expect(toJson([1, undefined, 2])).toEqual([1, 2]);
    expect(toJson({ a: undefined, b: 1 })).toEqual({ b: 1 });
    expect(toJson(undefined)).toBeUndefined();
  });

  it('gives null-prototype objects the ordinary prototype', () => {
    const source = Object.assign(Object.create(null) as object, { a: 1 });
    const result = toJson(source);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });

  it('keeps a __proto__ member as data without touching any prototype', () => {
    const source = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    const result = toJson(source) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__', 'a']);
    expect(result['polluted']).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it.each([
    [() => 1, /function/],
    [{ _jsonata_lambda: true }, /function/],
    [{ _jsonata_function: true }, /function/],
    [Number.NaN, /NaN/],
    [Number.POSITIVE_INFINITY, /Infinity/],
    [[1, Number.NEGATIVE_INFINITY], /-Infinity/],
    [10n, /bigint/],
  ])('refuses %s', (value, reason) => {
    expect(() => toJson(value)).toThrow(NotJson);
    expect(() => toJson(value)).toThrow(reason);
  });

  it('refuses nesting past the depth limit and accepts it at the limit', () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 0;
      for (let i = 0; i < levels; i++) value = { n: value };
      return value;
    };
    expect(() => toJson(nest(RESULT_LIMITS.depth))).not.toThrow();
    expect(() => toJson(nest(RESULT_LIMITS.depth + 1))).toThrow(/deeper/);
  });

  it('refuses a shared structure whose expansion passes the value cap', () => {
    let value: unknown = 'x';
    for (let i = 0; i < 25; i++) value = { l: value, r: value };
    expect(() => toJson(value)).toThrow(/values/);
  });
});

describe('assertFastResult', () => {
  it('passes clean values through without copying', () => {
    const value = { a: [1, 'x', null, true] };
    expect(assertFastResult(value)).toBe(value);
  });

  it('copies arrays that still carry sequence marks', () => {
    const value = sequence(1, 2) as never;
    const result = assertFastResult(value);
    expect(result).not.toBe(value);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
  });

  it('still counts depth when a value it checked before comes back nested deeper', () => {
    let inner: unknown = Array.from({ length: 300 }, (_, i) => i);
    for (let i = 0; i < 59; i++) inner = { n: inner };
    expect(assertFastResult(inner as never)).toBe(inner);
    let outer: unknown = inner;
    for (let i = 0; i < 50; i++) outer = { m: outer };
    expect(() => assertFastResult(outer as never)).toThrow(/deeper/);
  });

  it('remembers an order-sized value it found clean by identity alone: a look-alike is checked', () => {
    // About the size of a preview sample (10 items of 4 fields), which a
    // `$input` transform returns as it is on every run.
    const order = (total: number) => ({
      id: 'PO-1',
      items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${i}`, price: i, qty: 1, total })),
    });
    const clean = order(1);
    expect(assertFastResult(clean)).toBe(clean);
    expect(assertFastResult(clean)).toBe(clean);
    expect(() => assertFastResult(order(Number.NaN))).toThrow(/NaN/);
  });

  it('refuses non-finite numbers anywhere', () => {
    expect(() => assertFastResult(Number.POSITIVE_INFINITY)).toThrow(NotJson);
    expect(() => assertFastResult({ a: [Number.NaN] })).toThrow(/NaN/);
    expect(() => assertFastResult({ a: 1, b: Number.NaN })).toThrow(/NaN/);
  });

  it('fixes what a small flat value may hide: a hole, an undefined member, an over-long string', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(assertFastResult([1, , 2] as never)).toEqual([1, 2]);
    expect(assertFastResult({ a: 1, b: undefined } as never)).toEqual({ a: 1 });
    expect(() => assertFastResult({ s: 'x'.repeat(LIMITS.stringLength + 1) })).toThrow(NotJson);
  });
});
