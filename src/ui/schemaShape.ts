import type { Json, JsonSchema } from '../engine/client.ts';

/** Whether a parsed value can be a JSON Schema at all (an object, or true/false). */
export function isJsonSchema(value: Json): value is JsonSchema {
  return (
    typeof value === 'boolean' ||
    (typeof value === 'object' && value !== null && !Array.isArray(value))
  );
}

/** For JsonField's `check`: keeps a value that cannot be a schema out of the document. */
export function schemaShapeProblem(value: Json | undefined): string | null {
  return value === undefined || isJsonSchema(value)
    ? null
    : 'A JSON Schema is an object, or true or false.';
}
