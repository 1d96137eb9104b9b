import { describe, expect, it } from 'vitest';
import { Re2RegexEngine, UnsupportedRegex } from './regex.ts';

describe('Re2RegexEngine', () => {
  it('behaves like a global RegExp for exec and lastIndex', () => {
    const js = /a(\d)/g;
    const re2 = new Re2RegexEngine(/a(\d)/g);
    const input = 'xa1ya2';
    for (let i = 0; i < 3; i++) {
      const expected = js.exec(input);
      const actual = re2.exec(input);
      expect(actual === null ? null : [...actual]).toEqual(
        expected === null ? null : [...expected],
      );
      expect(actual?.index).toEqual(expected?.index);
      expect(re2.lastIndex).toBe(js.lastIndex);
    }
  });

  it('starts at lastIndex and reports UTF-16 offsets', () => {
    const re2 = new Re2RegexEngine(/b/g);
    re2.lastIndex = 3;
    const match = re2.exec('😀bab');
    expect(match?.index).toBe(4);
    expect(re2.lastIndex).toBe(5);
  });

  it('gives undefined for a group that did not take part', () => {
    const match = new Re2RegexEngine(/(x)?y/g).exec('y');
    expect(match === null ? null : [...match]).toEqual(['y', undefined]);
  });

  it('honours the i and m flags', () => {
    expect(new Re2RegexEngine(/abc/gi).test('xABC')).toBe(true);
    expect(new Re2RegexEngine(/abc/g).test('xABC')).toBe(false);
    expect(new Re2RegexEngine(/^b/gm).test('a\nb')).toBe(true);
    expect(new Re2RegexEngine(/^b/g).test('a\nb')).toBe(false);
  });

  it('matches a backtracking bomb in linear time (returns, no hang)', () => {
    const re2 = new Re2RegexEngine(/(a+)+$/g);
    expect(re2.exec(`${'a'.repeat(5000)}!`)).toBeNull();
  });

  it.each([/(a)\1/g, /a(?=b)/g, /a(?!b)/g, /(?<=a)b/g])(
    'refuses %s with a message naming RE2',
    (pattern) => {
      expect(() => new Re2RegexEngine(pattern)).toThrow(UnsupportedRegex);
      expect(() => new Re2RegexEngine(pattern)).toThrow(/RE2/);
    },
  );
});
