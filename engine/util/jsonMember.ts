// Writing a member into a JSON object built in code. Assignment would take a
// key named `__proto__` as the object's prototype, not as a member; JSON data
// can hold such a key (JSON.parse defines it as data), so it is defined.

import type { Json } from '../types.ts';

/** `out[key] = value` as an own, enumerable data member, `__proto__` included. */
export function setMember(out: { [key: string]: Json }, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else out[key] = value;
}
