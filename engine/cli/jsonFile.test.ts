import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonProblem, parseJsonText } from './jsonFile.ts';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonProblem', () => {
  it('accepts exactly what JSON.parse accepts (property)', () => {
    const mutated = fc
      .tuple(
        fc.json({ maxDepth: 4 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            remove: fc.nat({ max: 3 }),
            insert: fc.constantFrom(
              '',
              '{',
              '}',
              '[',
              ']',
              '"',
              ',',
              ':',
              '-',
              '.',
              'e',
              '\\',
              ' ',
              'x',
              '\u0001',
            ),
          }),
          { maxLength: 3 },
        ),
      )
      .map(([text, edits]) => {
        let out = text;
        for (const edit of edits) {
          const at = edit.at % (out.length + 1);
          out = out.slice(0, at) + edit.insert + out.slice(at + edit.remove);
        }
        return out;
      });
    fc.assert(
      fc.property(mutated, (text) => {
        expect(findJsonProblem(text, 512) === null).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses nesting past the limit without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(findJsonProblem(deep, 512)).toEqual({
      position: 512,
      reason: 'nesting deeper than 512 levels',
    });
    expect(findJsonProblem('[[1]]', 2)).toBeNull();
  });
});

describe('parseJsonText', () => {
  it('names the file, line, column and what was expected', () => {
    const result = parseJsonText('{\n  "a": 1\n  "b": 2\n}', 'order.json');
    expect(result).toEqual({
      ok: false,
      message:
        "order.json is not valid JSON: unexpected '\"', expected ',' or '}' at line 3, column 3 (position 13)",
    });
  });

  it('reads a byte order mark as nothing and keeps __proto__ as plain data', () => {
    const result = parseJsonText('\uFEFF{"__proto__": {"polluted": true}}', 'x.json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.value as object)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
