import jsonata206 from 'jsonata206';
import { describe, expect, it } from 'vitest';
import type { Json, JsonSchema } from '../types.ts';
import { compileSchema } from '../util/schema.ts';
import { regexLiteral, translateSchema } from './schema.ts';

type Errors = Array<{ path: string; message: string }>;

async function evaluate(text: string, input: Json): Promise<unknown> {
  return jsonata206(text).evaluate(undefined, { states: { input } });
}

function sorted(errors: Errors): Errors {
  return [...errors].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

// The translation must agree with the engine's validator (ajv) on validity
// and on the error list (as a set: the order is ajv's own).
const cases: Array<{ schema: JsonSchema; data: Json[] }> = [
  {
    schema: {
      type: 'object',
      required: ['id', 'tags'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1 },
        ratio: { type: ['number', 'null'], exclusiveMinimum: 0, exclusiveMaximum: 1 },
        kind: { const: 'x' },
      },
      additionalProperties: false,
    },
    data: [
      { id: 3, tags: ['a'] },
      { id: 0, tags: [], name: 'A', ratio: 1, kind: 'y', other: true },
      { id: 1.5, tags: ['c', 2], name: 'abcdefg', ratio: null },
      { tags: 'a' },
      [1, 2],
      null,
      'text',
    ],
  },
  {
    schema: { type: 'array', maxItems: 2, items: { type: 'object', required: ['k'] } },
    data: [[{ k: 1 }], [{}, { k: 2 }, { j: 3 }], {}],
  },
  { schema: { minProperties: 1, maxProperties: 2 }, data: [{}, { a: 1 }, { a: 1, b: 2, c: 3 }, 5] },
  { schema: { allOf: [{ type: 'number' }, { maximum: 3 }] }, data: [2, 4, 'x'] },
  { schema: true, data: [1, null] },
  { schema: false, data: [1] },
];

describe('translateSchema', () => {
  for (const { schema, data } of cases) {
    for (const value of data) {
      it(`agrees with ajv: ${JSON.stringify(schema).slice(0, 60)} on ${JSON.stringify(value)}`, async () => {
        const translation = translateSchema(schema, '$states.input', '/schema');
        expect(translation.ok).toBe(true);
        if (!translation.ok) return;
        const compiled = compileSchema(schema);
        if (!compiled.ok) throw new Error(compiled.message);
        const expected = compiled.schema.validate(value);
        expect(await evaluate(translation.valid, value)).toBe(expected.length === 0);
        const errors = (await evaluate(translation.errors, value)) as Errors;
        expect(sorted(errors)).toEqual(sorted(expected));
      });
    }
  }

  it('reports the keywords it cannot check, with their place in the schema', () => {
    const result = translateSchema(
      { type: 'object', properties: { a: { oneOf: [{ type: 'string' }] } }, format: 'email' },
      '$states.input',
      '/nodes/2/config/schema',
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: '/nodes/2/config/schema/properties/a/oneOf',
          message: 'the keyword "oneOf" cannot be checked in a Step Functions Choice',
        },
        {
          path: '/nodes/2/config/schema/format',
          message: 'the keyword "format" cannot be checked in a Step Functions Choice',
        },
      ],
    });
  });

  it('ignores annotations', () => {
    const result = translateSchema(
      { title: 'T', description: 'D', examples: [1], default: 2, 'x-ui': {} },
      '$states.input',
      '',
    );
    expect(result).toEqual({ ok: true, valid: 'true', errors: '[]' });
  });
});

describe('regexLiteral', () => {
  it('escapes slashes so jsonata reads the same pattern', () => {
    const literal = regexLiteral('^a/b$');
    expect(literal).toBe('/^a\\/b$/');
    expect(jsonata206(`$contains("a/b", ${literal ?? ''})`).evaluate(null)).resolves.toBe(true);
  });

  it('refuses patterns jsonata would end early', () => {
    expect(regexLiteral('a\\)(')).toBeUndefined();
  });
});
