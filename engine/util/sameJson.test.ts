import { describe, expect, it } from 'vitest';
import type { Json } from '../types.ts';
import { sameJson } from './sameJson.ts';

describe('sameJson: the same value to anything that reads it', () => {
  it('finds equal values equal, however they were built', () => {
    expect(
      sameJson(
        { a: [1, 'x', null, true], b: { c: {} } },
        { a: [1, 'x', null, true], b: { c: {} } },
      ),
    ).toBe(true);
    expect(sameJson('text', 'text')).toBe(true);
    expect(sameJson(undefined, undefined)).toBe(true);
  });

  it('tells apart what a later node or the preview would show differently', () => {
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson(0, -0)).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({}, [])).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined as unknown as Json })).toBe(false);
    expect(sameJson(null, undefined)).toBe(false);
    expect(sameJson(1, '1')).toBe(false);
  });

  it('answers "different" past its depth limit instead of spending the stack', () => {
    const deep = (n: number): Json => {
      let value: Json = 0;
      for (let i = 0; i < n; i++) value = [value];
      return value;
    };
    expect(sameJson(deep(150), deep(150))).toBe(true);
    expect(sameJson(deep(100_000), deep(100_000))).toBe(false);
  });
});
