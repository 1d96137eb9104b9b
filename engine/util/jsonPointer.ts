// JSON Pointers (RFC 6901) for diagnostics and data errors.

/** Escapes one reference token: `~` -> `~0`, `/` -> `~1`. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins tokens into a pointer: `pointer('nodes', 3, 'config')` -> `/nodes/3/config`. */
export function pointer(...tokens: (string | number)[]): string {
  let out = '';
  for (const token of tokens) out += '/' + escapeToken(token);
  return out;
}
