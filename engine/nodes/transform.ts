import { allFast, defineNode } from './kind.ts';

export default defineNode({
  info: {
    kind: 'transform',
    label: 'Transform',
    group: 'Data',
    description: 'Reshapes its input with a JSONata expression.',
    configSchema: {
      type: 'object',
      properties: { expression: { type: 'string' } },
      required: ['expression'],
      additionalProperties: false,
    },
    expressionFields: ['expression'],
    defaultConfig: { expression: '$' },
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: (node) => node.expression('/expression'),
  run: (expression, input, context) => expression?.evaluate(input, context.scope()),
  readsInput: (expression) => expression?.readsInput ?? false,
  light: (expression) => allFast([expression]),
  direct: (expression) => expression?.evaluate,
});
