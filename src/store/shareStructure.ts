// Structural sharing between two JSON values: the parts of `next` equal to the
// same parts of `previous` are replaced by those of `previous`, so a view that
// skips unchanged props (React.memo) re-renders only what changed. A reply
// brings each selected node's input and output as new objects on every
// keystroke, though usually only a number or two differ.

import { setMember, type Json } from '../engine/client.ts';

type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `next`, with every part deep-equal to `previous`'s counterpart being that part; `previous` when all is equal. */
export function shareStructure<T extends Json | undefined>(previous: Json | undefined, next: T): T {
  if (previous === next) return next;
  if (Array.isArray(previous) && Array.isArray(next)) {
    let same = previous.length === next.length;
    const out = next.map((item, i) => {
      const shared = i < previous.length ? shareStructure(previous[i], item) : item;
      if (shared !== previous[i]) same = false;
      return shared;
    });
    return (same ? previous : out) as T;
  }
  if (isObject(previous) && isObject(next)) {
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(previous).length;
    const out: JsonObject = {};
    for (const key of keys) {
      const item = next[key] as Json;
      const shared = Object.hasOwn(previous, key) ? shareStructure(previous[key], item) : item;
      if (shared !== previous[key] || !Object.hasOwn(previous, key)) same = false;
      setMember(out, key, shared);
    }
    return (same ? previous : out) as T;
  }
  // Scalars: equal ones are interchangeable (+0 and -0 print alike in a view).
  return (Object.is(previous, next) ? previous : next) as T;
}
