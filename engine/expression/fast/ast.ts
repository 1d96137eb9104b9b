// Reading jsonata 2.2.2's AST, for the fast path's compilers.

export type AstNode = Readonly<Record<string, unknown>>;

export function asNode(value: unknown): AstNode | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as AstNode)
    : undefined;
}

// jsonata annotates AST nodes with flags that change evaluation (predicate,
// stages, group, keepArray, tuple, focus, consarray, seekingParent, ...). A node
// is accepted only when it has no key beyond the ones its evaluation here reads.
export function hasOnly(node: AstNode, allowed: readonly string[]): boolean {
  for (const key of Object.keys(node)) {
    if (key !== 'type' && key !== 'position' && !allowed.includes(key)) return false;
  }
  return true;
}

/** A literal value jsonata's parser gives a string, number or value node: null, a string, a number or a boolean. */
export function isScalarLiteral(value: unknown): value is null | string | number | boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}
