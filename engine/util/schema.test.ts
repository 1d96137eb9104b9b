import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../types.ts';
import { compileSchema, SCHEMA_LIMITS } from './schema.ts';

function compiled(schema: JsonSchema) {
  const result = compileSchema(schema);
  if (!result.ok) throw new Error(result.message);
  return result.schema;
}

function refusal(schema: JsonSchema): string {
  const result = compileSchema(schema);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.message;
}

describe('compileSchema on hostile schemas', () => {
  it('matches pattern unanchored, as JSON Schema says, on RE2', () => {
    const schema = compiled({ type: 'string', pattern: 'b+' });
    expect(schema.validate('abbc')).toEqual([]);
    expect(schema.validate('ac')).toEqual([{ path: '', message: 'must match pattern "b+"' }]);
  });

  it('answers a catastrophic pattern on a long string (a backtracking engine would not)', () => {
    const schema = compiled({ type: 'string', pattern: '^(a|a?)+$' });
    expect(schema.validate('a'.repeat(5000) + 'b')).toHaveLength(1);
    expect(schema.validate('a'.repeat(5000))).toEqual([]);
  });

  it('runs patternProperties on RE2 too', () => {
    const schema = compiled({
      type: 'object',
      patternProperties: { '^x-\\d+$': { type: 'number' } },
    });
    expect(schema.validate({ 'x-12': 'no', 'x-a': 'fine' })).toEqual([
      { path: '/x-12', message: 'must be number' },
    ]);
  });

  it('gives each pattern its own verdicts, the same when texts come again and past its memo', () => {
    // Two patterns that often disagree: a verdict remembered for one must
    // never answer for the other, nor for another text.
    const sku = compiled({ type: 'string', pattern: '^SKU-[0-9]+$' });
    const notSku = compiled({ type: 'string', pattern: '^(?:[^S]|S[^K]|SK[^U]|SKU[^-])' });
    const texts = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0 ? `SKU-${i}` : i % 3 === 1 ? `sku-${i}` : `SKU-${i}x`,
    );
    // Three passes: the first fills the memos, the next read them, and 300
    // texts are more than a memo holds, so it also starts over on the way.
    for (let pass = 0; pass < 3; pass++) {
      for (const text of [...texts, 'x'.repeat(100) + 'SKU-1', 'SKU-' + '1'.repeat(100)]) {
        const matches = /^SKU-[0-9]+$/.test(text);
        expect(sku.validate(text).length === 0, `${text} against ^SKU-[0-9]+$`).toBe(matches);
        expect(notSku.validate(text).length === 0, `${text} against the other`).toBe(
          /^(?:[^S]|S[^K]|SK[^U]|SKU[^-])/.test(text),
        );
      }
    }
  });

  it('refuses a pattern RE2 cannot run, naming it', () => {
    expect(refusal({ type: 'string', pattern: '(?=a)a' })).toMatch(/\/\(\?=a\)a\/.*RE2/);
  });

  it('refuses a $ref to another document instead of loading it', () => {
    expect(refusal({ $ref: 'https://example.com/s.json#/x' })).toMatch(
      /"https:\/\/example.com\/s.json#\/x" points outside the schema/,
    );
    expect(refusal({ $ref: 'other.json' })).toMatch(/never loads schemas/);
    expect(refusal({ $ref: '#/$defs/missing' })).toBe(
      '$ref "#/$defs/missing" does not resolve inside the schema',
    );
  });

  it('resolves a $ref to an $id inside the same schema', () => {
    const schema = compiled({
      $id: 'https://example.com/order',
      $defs: { sku: { $id: 'https://example.com/sku', type: 'string' } },
      properties: { sku: { $ref: 'https://example.com/sku' } },
    });
    expect(schema.validate({ sku: 1 })).toEqual([{ path: '/sku', message: 'must be string' }]);
  });

  it('refuses a meta-schema $id, and later schemas still compile', () => {
    expect(
      refusal({ $id: 'https://json-schema.org/draft/2020-12/schema', type: 'string' }),
    ).toMatch(/reserved/);
    expect(compiled({ type: 'number', minimum: 3 }).validate(2)).toEqual([
      { path: '', message: 'must be >= 3' },
    ]);
  });

  it('caps size and depth before anything recursive walks the schema', () => {
    let deep: JsonSchema = true;
    for (let i = 0; i < 50_000; i++) deep = { items: deep };
    expect(refusal(deep)).toBe(`the schema is nested deeper than ${SCHEMA_LIMITS.depth} levels`);
    expect(refusal({ const: 'x'.repeat(SCHEMA_LIMITS.textLength) })).toMatch(/larger than 256 KB/);
  });

  it('reads only own members: Object.prototype never satisfies required or properties', () => {
    const schema = compiled({
      type: 'object',
      required: ['constructor'],
      properties: { toString: { type: 'string' } },
    });
    expect(schema.validate({})).toEqual([{ path: '/constructor', message: 'is required' }]);
    expect(schema.validate({ constructor: 1 })).toEqual([]);
  });

  it('reports data too deep for a recursive schema instead of throwing', () => {
    const schema = compiled({ type: 'array', items: { $ref: '#' } });
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(schema.validate(deep)).toEqual([
      { path: '', message: 'is nested too deeply to check against the schema' },
    ]);
  });
});
