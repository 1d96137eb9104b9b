// JSON Schema validation with ajv (draft 2020-12). Compile once, validate many.
//
// ajv caches compiled schemas by object identity, but every definition that
// crosses the worker boundary is a fresh structured clone, so identity never
// repeats. This cache keys by content (the schema's JSON text) instead, and
// evicts old entries from ajv too so that typing in a schema editor does not
// grow memory without bound.

//
// User schemas are hostile input too (issue 6): `pattern` and
// `patternProperties` run on RE2, so no pattern can backtrack for seconds;
// `$ref` resolves only inside the schema (ajv is given no `loadSchema`, and a
// reference to another document is reported as such); and a schema's size and
// nesting are capped before anything recursive (JSON.stringify, ajv) walks it.

import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import type { JsonSchema } from '../types.ts';
import { escapeToken } from './jsonPointer.ts';

import type { SchemaError } from './schemaErrors.ts';

export type { SchemaError } from './schemaErrors.ts';
export { formatErrors } from './schemaErrors.ts';

export interface CompiledSchema {
  /** Returns the violations; an empty array when the data is valid. */
  validate(data: unknown): SchemaError[];
}

export type SchemaCompileResult =
  { ok: true; schema: CompiledSchema } | { ok: false; message: string };

const CACHE_LIMIT = 256;

export const SCHEMA_LIMITS = {
  /** Length of a schema's JSON text, in UTF-16 code units (256 KiB). */
  textLength: 256 * 1024,
  /** Nesting of a schema's objects and arrays. */
  depth: 64,
} as const;

/**
 * Each pattern remembers its verdicts on the last texts it was tested with:
 * a preview re-validates the same sample on every keystroke, and a check on
 * RE2 costs thousands of instructions, a lookup a few dozen (with `test`
 * below, 13% fewer instructions per realistic-100 run, bench/RESULTS.md).
 * Bounded, as patterns live as long as the worker: short texts only, and the
 * memo starts over when full.
 */
const PATTERN_MEMO = { entries: 64, textLength: 64 } as const;

/**
 * ajv's pluggable regex engine: `(pattern, flags) => { test }`. ajv calls it
 * while compiling (so a pattern RE2 cannot run is a compile error) and keys
 * compiled patterns by `toString()`. Matching is unanchored, as JSON Schema's
 * `pattern` is.
 */
function re2Pattern(pattern: string): RegExpLike {
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `the pattern /${pattern}/ uses a feature the safe regex engine (RE2) does not support, such as backreferences (\\1) or lookaround ((?=…), (?<=…)): ${reason}`,
      { cause: err },
    );
  }
  const verdicts = new Map<string, boolean>();
  return {
    test: (text: string) => {
      const known = verdicts.get(text);
      if (known !== undefined) return known;
      // `test` finds a match anywhere without building a Matcher or capture
      // groups, on RE2's DFA where it can: about twice as fast as `find`.
      const found = re.test(text);
      if (text.length <= PATTERN_MEMO.textLength) {
        if (verdicts.size >= PATTERN_MEMO.entries) verdicts.clear();
        verdicts.set(text, found);
      }
      return found;
    },
    toString: () => `/${pattern}/re2`,
  } as RegExpLike;
}
const re2Engine: RegExpEngine = Object.assign(re2Pattern, { code: 're2Pattern' });

function createAjv(allErrors: boolean, regExp?: RegExpEngine): Ajv2020 {
  // strict: false because user schemas may carry keywords ajv does not know
  // (`x-` annotations, `example`): they are not errors for a workflow author.
  // ownProperties: data is untrusted, and without it ajv reads members with
  // `data[key] !== undefined`, so `required: ["constructor"]` or `"__proto__"`
  // would be met by Object.prototype on every object.
  const ajv = new Ajv2020({
    allErrors,
    strict: false,
    validateFormats: true,
    ownProperties: true,
    ...(regExp ? { code: { regExp } } : {}),
  });
  addFormats(ajv);
  return ajv;
}

const userAjv = createAjv(true, re2Engine);
// The meta-schemas ajv registered for itself. A user schema claiming one of
// these ids would replace it (compileSchema drops an old schema with the same
// `$id` first) and break every later compile in this worker.
const reservedIds = new Set([...Object.keys(userAjv.schemas), ...Object.keys(userAjv.refs)]);
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
function wrap(validateFn: ValidateFunction): CompiledSchema {
  return {
    validate(data: unknown): SchemaError[] {
      try {
        return validateFn(data) ? [] : describeErrors(validateFn.errors);
      } catch (err) {
        // A recursive schema (`$ref: "#"`) walks the data recursively; data
        // deep enough to overflow the stack is reported, not thrown.
        if (err instanceof RangeError) {
          return [{ path: '', message: 'is nested too deeply to check against the schema' }];
        }
        throw err;
      }
    },
  };
}

/**
 * Measures a schema without recursion; a message when it passes the caps.
 * Also finds `$ref`s to other documents: ajv is given no way to load them, and
 * saying so beats ajv's "can't resolve reference".
 */
function checkSchemaShape(schema: JsonSchema): string | undefined {
  if (typeof schema !== 'object') return undefined;
  const ids = new Set<string>();
  const refs: string[] = [];
  let text = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: schema, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') text += value.length + 2;
    else if (typeof value !== 'object' || value === null) text += 6;
    else {
      if (depth > SCHEMA_LIMITS.depth) {
        return `the schema is nested deeper than ${SCHEMA_LIMITS.depth} levels`;
      }
      if (Array.isArray(value)) {
        text += 2 + value.length;
        for (const item of value as unknown[]) stack.push({ value: item, depth: depth + 1 });
      } else {
        const record = value as Record<string, unknown>;
        text += 2;
        for (const key of Object.keys(record)) {
          const member = record[key];
          text += key.length + 4;
          if (typeof member === 'string' && (key === '$ref' || key === '$dynamicRef')) {
            refs.push(member);
          }
          if (typeof member === 'string' && key === '$id') ids.add(member.replace(/#$/, ''));
          stack.push({ value: member, depth: depth + 1 });
        }
      }
    }
    if (text > SCHEMA_LIMITS.textLength) {
      return `the schema is larger than ${SCHEMA_LIMITS.textLength / 1024} KB of JSON`;
    }
  }
  for (const id of ids) {
    if (reservedIds.has(id)) {
      return `$id "${id}" is reserved for a JSON Schema meta-schema; give the schema an id of its own`;
    }
  }
  for (const ref of refs) {
    const documentPart = ref.split('#')[0] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(documentPart) && !ids.has(documentPart)) {
      return `$ref "${ref}" points outside the schema; Weft never loads schemas from the network or other files, so put the definition under $defs and refer to it as "#/$defs/…"`;
    }
  }
  return undefined;
}

/**
 * Compiles a user-written schema, cached by content. Never throws: a schema
 * that does not compile comes back as `{ ok: false, message }`.
 */
export function compileSchema(schema: JsonSchema): SchemaCompileResult {
  const tooBig = checkSchemaShape(schema);
  if (tooBig !== undefined) return { ok: false, message: tooBig };
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
  let result: SchemaCompileResult;
  try {
    if (typeof source === 'object' && typeof (source as { $id?: unknown }).$id === 'string') {
      userAjv.removeSchema((source as { $id: string }).$id);
    }
    result = { ok: true, schema: wrap(userAjv.compile(source)) };
  } catch (err) {
    result = { ok: false, message: compileFailure(err) };
  }
  cache.set(key, { result, source });
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) {
      const entry = cache.get(oldest);
      cache.delete(oldest);
      if (entry && typeof entry.source === 'object') forget(entry.source);
    }
  }
  return result;
}

/**
 * Empties the content cache, and ajv's copies of what it held: the next
 * compile of any schema is cold. For measurements; validators already handed
 * out go on working.
 */
export function clearSchemaCache(): void {
  for (const entry of cache.values()) if (typeof entry.source === 'object') forget(entry.source);
  cache.clear();
}

/** Drops an evicted schema from ajv; if ajv cannot, it only keeps a little memory. */
function forget(source: object): void {
  try {
    userAjv.removeSchema(source);
  } catch {
    // Nothing to undo: the content cache no longer hands this schema out.
  }
}

/** ajv's reason, with a missing reference explained (it never fetches one). */
function compileFailure(err: unknown): string {
  if (err instanceof Ajv2020.MissingRefError) {
    const ref = err.missingRef;
    return ref.startsWith('#')
      ? `$ref "${ref}" does not resolve inside the schema`
      : `$ref "${ref}" does not resolve inside the schema; Weft never loads schemas from the network or other files`;
  }
  return err instanceof Error ? err.message : String(err);
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
