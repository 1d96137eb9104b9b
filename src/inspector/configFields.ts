// Turns a node kind's config schema into the list of fields the inspector
// renders. Pure data in, data out, so the mapping is tested without a DOM.
import type { Json, JsonObject, NodeKindInfo } from '../engine/client.ts';

export type FieldEditor =
  | { type: 'expression'; allowsNumber: boolean }
  | { type: 'text' }
  | { type: 'number'; integer: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; options: string[] }
  | { type: 'json' }
  /** `validate`'s JSON Schema. */
  | { type: 'schema' }
  /** `http`/`llm` canned result (success or error). */
  | { type: 'mock' }
  /** `switch`'s ordered `{ port, expression }` list. */
  | { type: 'cases' };

export interface FieldSpec {
  key: string;
  /** The visible <label> text, which is also the field's accessible name. */
  label: string;
  required: boolean;
  /** The schema's own description or title, shown as a hint. */
  hint?: string;
  editor: FieldEditor;
}

const ACRONYMS: Record<string, string> = { url: 'URL', id: 'ID', llm: 'LLM', http: 'HTTP' };

/** `timeoutSeconds` -> `Timeout seconds`, `url` -> `URL`. */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word.toLowerCase());
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON types a property schema admits, looking through oneOf/anyOf. */
export function schemaTypes(schema: Json | undefined): Set<string> {
  const types = new Set<string>();
  if (!isObject(schema)) return types;
  const { type } = schema;
  if (typeof type === 'string') types.add(type);
  if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
  if (Array.isArray(schema.enum)) types.add('enum');
  if ('const' in schema) types.add('const');
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches))
      for (const branch of branches) for (const t of schemaTypes(branch)) types.add(t);
  }
  return types;
}

function enumOptions(schema: JsonObject): string[] | undefined {
  const values = schema.enum;
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

function editorFor(info: NodeKindInfo, key: string, schema: JsonObject): FieldEditor {
  if (key === 'cases' && info.kind === 'switch') return { type: 'cases' };
  if (key === 'schema' && info.kind === 'validate') return { type: 'schema' };
  if (key === 'mock' && (info.kind === 'http' || info.kind === 'llm')) return { type: 'mock' };
  const types = schemaTypes(schema);
  const numeric = types.has('number') || types.has('integer');
  if (info.expressionFields.includes(key) && (types.has('string') || types.size === 0)) {
    return { type: 'expression', allowsNumber: numeric };
  }
  const options = enumOptions(schema);
  if (options) return { type: 'enum', options };
  if (types.size === 1) {
    if (types.has('string')) return { type: 'text' };
    if (numeric) return { type: 'number', integer: types.has('integer') };
    if (types.has('boolean')) return { type: 'boolean' };
  }
  if (types.size === 2 && types.has('number') && types.has('integer'))
    return { type: 'number', integer: false };
  return { type: 'json' };
}

/** The inspector's fields for a kind, in the order its config schema lists them. */
export function configFields(info: NodeKindInfo): FieldSpec[] {
  const schema = info.configSchema;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === 'string') : [],
  );
  return Object.entries(properties).map(([key, propSchema]) => {
    const prop = isObject(propSchema) ? propSchema : {};
    const hintSource = typeof prop.description === 'string' ? prop.description : prop.title;
    const field: FieldSpec = {
      key,
      label: humanizeKey(key),
      required: required.has(key),
      editor: editorFor(info, key, prop),
    };
    if (typeof hintSource === 'string') field.hint = hintSource;
    return field;
  });
}
