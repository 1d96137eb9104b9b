// The shape limits every expression result keeps, apart from the checks that
// enforce them (result.ts), so the trigger's input check shares the numbers
// without loading jsonata.

export const RESULT_LIMITS = {
  /** Deepest nesting a result may have. */
  depth: 100,
  /** Most values (every array item and object member counts) a result may hold. */
  values: 1_000_000,
} as const;
