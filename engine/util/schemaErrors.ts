// Schema violations as plain data, apart from the validator that finds them,
// so code that only reports them (the trigger, the editor's node metadata)
// does not load ajv and its regex engine.

/** One schema violation: a JSON Pointer into the data and what is wrong there. */
export interface SchemaError {
  path: string;
  message: string;
}

export function formatErrors(errors: readonly SchemaError[]): string {
  return errors.map((e) => `${e.path === '' ? '(root)' : e.path} ${e.message}`).join('; ');
}
