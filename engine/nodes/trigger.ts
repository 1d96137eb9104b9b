import { checkData, shortPointer } from '../util/limits.ts';
import { formatErrors } from '../util/schemaErrors.ts';
import { defineNode, NodeError } from './kind.ts';

export default defineNode({
  info: {
    kind: 'trigger',
    label: 'Trigger',
    group: 'Flow',
    description: 'Starts the workflow with its input, checked against the input schema.',
    configSchema: { type: 'object', additionalProperties: false },
    expressionFields: [],
    defaultConfig: {},
    hasInput: false,
    outPorts: ['out'],
  },
  prepare: (node) => node.inputSchema,
  run(inputSchema, input) {
    // The input comes from outside (a file, a pasted sample, a caller, a
    // parent workflow): measure it before anything recursive walks it.
    const problem = checkData(input);
    if (problem) {
      throw new NodeError({
        code: problem.kind === 'limit' ? 'LIMIT_EXCEEDED' : 'INPUT_INVALID',
        message: `The workflow input at ${shortPointer(problem.path)} ${problem.message}`,
        path: problem.path,
      });
    }
    if (inputSchema) {
      const errors = inputSchema.validate(input);
      if (errors.length > 0) {
        throw new NodeError({
          code: 'INPUT_INVALID',
          message: `The input does not match the workflow's input schema: ${formatErrors(errors)}`,
          path: errors[0]?.path ?? '',
        });
      }
    }
    return input;
  },
});
