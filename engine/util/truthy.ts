import type { Json } from '../types.ts';

/**
 * JSONata's `$boolean` cast: how a condition, a switch case or a retry filter
 * reads a value. Empty strings and arrays, 0, null, empty objects and "nothing"
 * are false; an array is true when any member is.
 */
export function isTruthy(value: Json | undefined): boolean {
  if (value === undefined || value === null) return false;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'string':
      return value.length > 0;
    default:
      if (Array.isArray(value)) {
        for (const member of value) if (isTruthy(member)) return true;
        return false;
      }
      for (const _key in value) return true;
      return false;
  }
}
