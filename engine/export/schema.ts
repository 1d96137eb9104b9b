// Translates the JSON Schema keywords that JSONata can check into JSONata:
// a boolean expression (is the value valid?) and an expression building the
// `[{ path, message }]` list that a `validate` node outputs on `invalid`. The
// messages follow the engine's (ajv's, with Weft's wording for required,
// additionalProperties and enum); the order of the list may differ.
//
// Keywords this file cannot express are reported, never silently dropped:
// an export that validates less than the preview would change the workflow.

import type { Json, JsonSchema } from '../types.ts';

export interface SchemaProblem {
  /** JSON Pointer into the schema. */
  path: string;
  message: string;
}

export type SchemaTranslation =
  { ok: true; valid: string; errors: string } | { ok: false; problems: SchemaProblem[] };

/** Keywords that carry no assertion: ignored. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
]);

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);

function str(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function isPrimitive(value: Json | undefined): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function typeCheck(type: string, v: string): string {
  if (type === 'integer') return `($type(${v}) = "number" and $floor(${v}) = ${v})`;
  return `$type(${v}) = ${str(type)}`;
}

/** A JSONata regex literal for `pattern`, or undefined when jsonata would read it differently. */
export function regexLiteral(pattern: string): string | undefined {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      body += c + (pattern[i + 1] ?? '');
      i++;
    } else if (c === '/') body += '\\/';
    else if (/[\n\r\u2028\u2029]/.test(c)) return undefined;
    else body += c;
  }
  // jsonata's lexer counts brackets to find the closing slash: unbalanced
  // escaped brackets could end the literal elsewhere, so refuse those.
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if ((c === '(' || c === '[' || c === '{') && body[i - 1] !== '\\') depth++;
    if ((c === ')' || c === ']' || c === '}') && body[i - 1] !== '\\') depth--;
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  try {
    if (new RegExp(body).source !== new RegExp(pattern).source) return undefined;
  } catch {
    return undefined;
  }
  return `/${body}/`;
}

class Translator {
  readonly problems: SchemaProblem[] = [];
  private depth = 0;

  /** [valid, errors] for `schema` applied to the value expression `v` at the path expression `p`. */
  translate(schema: JsonSchema, v: string, p: string, at: string): [string, string] {
    if (schema === true) return ['true', '[]'];
    if (schema === false) {
      return ['false', `[{"path": ${p}, "message": "boolean schema is false"}]`];
    }
    const checks: string[] = [];
    const errors: string[] = [];
    const add = (valid: string, error: string) => {
      checks.push(`(${valid})`);
      errors.push(`$not(${valid}) ? ${error}`);
    };
    const err = (message: string) => `{"path": ${p}, "message": ${message}}`;
    const guard = (type: string, check: string) => `$type(${v}) != ${str(type)} or (${check})`;

    for (const [keyword, value] of Object.entries(schema)) {
      const here = `${at}/${escapeToken(keyword)}`;
      if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
      switch (keyword) {
        case 'type': {
          const types = Array.isArray(value) ? value : [value];
          if (!types.every((t) => typeof t === 'string' && TYPES.has(t))) {
            this.problem(here, 'type must name JSON types');
            break;
          }
          const list = types as string[];
          add(list.map((t) => typeCheck(t, v)).join(' or '), err(str(`must be ${list.join(',')}`)));
          break;
        }
        case 'enum': {
          if (!Array.isArray(value) || !value.every(isPrimitive)) {
            this.problem(
              here,
              'enum can only be exported with strings, numbers, booleans and null',
            );
            break;
          }
          const message = `must be one of ${value.map((x) => JSON.stringify(x)).join(', ')}`;
          add(`${v} in [${value.map((x) => JSON.stringify(x)).join(', ')}]`, err(str(message)));
          break;
        }
        case 'const':
          if (!isPrimitive(value)) {
            this.problem(here, 'const can only be exported with a string, number, boolean or null');
            break;
          }
          add(`${v} = ${JSON.stringify(value)}`, err(str('must be equal to constant')));
          break;
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum': {
          if (typeof value !== 'number') {
            this.problem(here, `${keyword} must be a number`);
            break;
          }
          const op = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[
            keyword
          ];
          add(guard('number', `${v} ${op} ${value}`), err(str(`must be ${op} ${value}`)));
          break;
        }
        case 'minLength':
        case 'maxLength': {
          if (typeof value !== 'number') {
            this.problem(here, `${keyword} must be a number`);
            break;
          }
          const min = keyword === 'minLength';
          add(
            guard('string', `$length(${v}) ${min ? '>=' : '<='} ${value}`),
            err(str(`must NOT have ${min ? 'fewer' : 'more'} than ${value} characters`)),
          );
          break;
        }
        case 'pattern': {
          const literal = typeof value === 'string' ? regexLiteral(value) : undefined;
          if (literal === undefined || typeof value !== 'string') {
            this.problem(here, 'this pattern cannot be written as a JSONata regex literal');
            break;
          }
          add(
            guard('string', `$contains(${v}, ${literal})`),
            err(str(`must match pattern "${value}"`)),
          );
          break;
        }
        case 'minItems':
        case 'maxItems': {
          if (typeof value !== 'number') {
            this.problem(here, `${keyword} must be a number`);
            break;
          }
          const min = keyword === 'minItems';
          add(
            guard('array', `$count(${v}) ${min ? '>=' : '<='} ${value}`),
            err(str(`must NOT have ${min ? 'fewer' : 'more'} than ${value} items`)),
          );
          break;
        }
        case 'minProperties':
        case 'maxProperties': {
          if (typeof value !== 'number') {
            this.problem(here, `${keyword} must be a number`);
            break;
          }
          const min = keyword === 'minProperties';
          add(
            guard('object', `$count($keys(${v})) ${min ? '>=' : '<='} ${value}`),
            err(str(`must NOT have ${min ? 'fewer' : 'more'} than ${value} properties`)),
          );
          break;
        }
        case 'required': {
          if (!Array.isArray(value) || !value.every((k) => typeof k === 'string')) {
            this.problem(here, 'required must list property names');
            break;
          }
          for (const key of value as string[]) {
            const valid = guard('object', `$exists($lookup(${v}, ${str(key)}))`);
            checks.push(`(${valid})`);
            errors.push(
              `$not(${valid}) ? {"path": ${p} & ${str('/' + escapeToken(key))}, "message": "is required"}`,
            );
          }
          break;
        }
        case 'properties': {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            this.problem(here, 'properties must be an object');
            break;
          }
          for (const [key, sub] of Object.entries(value)) {
            if (
              typeof sub !== 'boolean' &&
              (typeof sub !== 'object' || sub === null || Array.isArray(sub))
            ) {
              this.problem(`${here}/${escapeToken(key)}`, 'a property schema must be an object');
              continue;
            }
            const child = `$lookup(${v}, ${str(key)})`;
            const [subValid, subErrors] = this.translate(
              sub,
              child,
              `${p} & ${str('/' + escapeToken(key))}`,
              `${here}/${escapeToken(key)}`,
            );
            if (subValid === 'true') continue;
            const applies = `$type(${v}) = "object" and $exists(${child})`;
            checks.push(`($not(${applies}) or (${subValid}))`);
            errors.push(`${applies} ? (${subErrors})`);
          }
          break;
        }
        case 'additionalProperties': {
          if (value === true) break;
          if (value !== false) {
            this.problem(here, 'only additionalProperties: false can be exported');
            break;
          }
          const props =
            typeof schema.properties === 'object' && schema.properties !== null
              ? Object.keys(schema.properties)
              : [];
          const names = `[${props.map(str).join(', ')}]`;
          const extra = `$filter([$keys(${v})], function($k){ $not($k in ${names}) })`;
          add(
            guard('object', `$count(${extra}) = 0`),
            `$map(${extra}, function($k){ {"path": ${p} & "/" & $replace($replace($k, "~", "~0"), "/", "~1"), "message": "is not allowed here"} })`,
          );
          break;
        }
        case 'items': {
          if (
            typeof value !== 'boolean' &&
            (typeof value !== 'object' || value === null || Array.isArray(value))
          ) {
            this.problem(here, 'only a single items schema can be exported');
            break;
          }
          this.depth++;
          const x = `$x${this.depth}`;
          const i = `$i${this.depth}`;
          const [subValid, subErrors] = this.translate(
            value,
            x,
            `${p} & "/" & $string(${i})`,
            here,
          );
          this.depth--;
          if (subValid === 'true') break;
          checks.push(
            `(${guard('array', `$count($filter(${v}, function(${x}){ $not(${subValid}) })) = 0`)})`,
          );
          errors.push(
            `$type(${v}) = "array" ? $reduce($map(${v}, function(${x}, ${i}){ ${subErrors} }), $append, [])`,
          );
          break;
        }
        case 'allOf': {
          if (!Array.isArray(value)) {
            this.problem(here, 'allOf must be an array');
            break;
          }
          value.forEach((sub, index) => {
            if (
              typeof sub !== 'boolean' &&
              (typeof sub !== 'object' || sub === null || Array.isArray(sub))
            ) {
              this.problem(`${here}/${index}`, 'a schema must be an object');
              return;
            }
            const [subValid, subErrors] = this.translate(sub, v, p, `${here}/${index}`);
            checks.push(`(${subValid})`);
            errors.push(`(${subErrors})`);
          });
          break;
        }
        default:
          this.problem(
            here,
            `the keyword "${keyword}" cannot be checked in a Step Functions Choice`,
          );
      }
    }
    if (checks.length === 0) return ['true', '[]'];
    return [checks.join(' and '), `[${errors.join(', ')}]`];
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }
}

/**
 * Translates `schema` for the value expression `subject` (e.g. `$states.input`).
 * `at` is the schema's JSON Pointer in the definition, for problems.
 */
export function translateSchema(
  schema: JsonSchema,
  subject: string,
  at: string,
): SchemaTranslation {
  const translator = new Translator();
  const [valid, errors] = translator.translate(schema, subject, '""', at);
  if (translator.problems.length > 0) return { ok: false, problems: translator.problems };
  return { ok: true, valid, errors };
}
