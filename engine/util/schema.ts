// JSON Schema validation with ajv (draft 2020-12). Compile once, validate many.
//
// ajv caches compiled schemas by object identity, but every definition that
// crosses the worker boundary is a fresh structured clone, so identity never
// repeats. This cache keys by content (the schema's JSON text) instead, and
// evicts old entries from ajv too so that typing in a schema editor does not
// grow memory without bound.

import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../types.ts';
import { escapeToken } from './jsonPointer.ts';

/** One schema violation: a JSON Pointer into the data and what is wrong there. */
export interface SchemaError {
  path: string;
  message: string;
}

export interface CompiledSchema {
  /** Returns the violations; an empty array when the data is valid. */
  validate(data: unknown): SchemaError[];
}

export type SchemaCompileResult =
  { ok: true; schema: CompiledSchema } | { ok: false; message: string };

const CACHE_LIMIT = 256;

function createAjv(allErrors: boolean): Ajv2020 {
  // strict: false because user schemas may carry keywords ajv does not know
  // (`x-` annotations, `example`): they are not errors for a workflow author.
  const ajv = new Ajv2020({ allErrors, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const userAjv = createAjv(true);
const cache = new Map<string, { result: SchemaCompileResult; source: object | boolean }>();

/** Turns ajv's errors into pointers at the offending spot, with readable messages. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): SchemaError[] {
  if (!errors) return [];
  const out: SchemaError[] = [];
  for (const error of errors) {
    // `if` only reports that a `then` failed; the `then` error itself follows.
    if (error.keyword === 'if') continue;
    let path = error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      path += '/' + escapeToken(missing);
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      path += '/' + escapeToken(extra);
      message = 'is not allowed here';
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    out.push({ path, message });
  }
  return out;
}

/** Formats violations as one line: `/amount must be number; /name is required`. */
export function formatErrors(errors: readonly SchemaError[]): string {
  return errors.map((e) => `${e.path === '' ? '(root)' : e.path} ${e.message}`).join('; ');
}

function wrap(validateFn: ValidateFunction): CompiledSchema {
  return {
    validate(data: unknown): SchemaError[] {
      return validateFn(data) ? [] : describeErrors(validateFn.errors);
    },
  };
}

/**
 * Compiles a user-written schema, cached by content. Never throws: a schema
 * that does not compile comes back as `{ ok: false, message }`.
 */
export function compileSchema(schema: JsonSchema): SchemaCompileResult {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(key);
    cache.set(key, hit);
    return hit.result;
  }
  // ajv keeps what it compiled, and refuses a second schema with the same
  // `$id`; the author may be editing exactly that schema, so drop the old one.
  const source: object | boolean =
    typeof schema === 'object' ? (JSON.parse(key) as object) : schema;
  if (typeof source === 'object' && typeof (source as { $id?: unknown }).$id === 'string') {
    userAjv.removeSchema((source as { $id: string }).$id);
  }
  let result: SchemaCompileResult;
  try {
    result = { ok: true, schema: wrap(userAjv.compile(source)) };
  } catch (err) {
    result = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  cache.set(key, { result, source });
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) {
      const entry = cache.get(oldest);
      cache.delete(oldest);
      if (entry && typeof entry.source === 'object') userAjv.removeSchema(entry.source);
    }
  }
  return result;
}

let trustedAjv: Ajv2020 | undefined;

/**
 * Compiles a schema we ship (the definition format, the kinds' config
 * schemas), with every error reported. Callers compile each one once.
 */
export function compileTrustedSchema(schema: object): CompiledSchema {
  trustedAjv ??= createAjv(true);
  return wrap(trustedAjv.compile(schema));
}
