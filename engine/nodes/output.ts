import { allFast, defineNode } from './kind.ts';

export default defineNode({
  info: {
    kind: 'output',
    label: 'Output',
    group: 'End',
    description:
      "Sets the workflow's output: its expression's value (default `$`). Several outputs that ran give an object keyed by node id.",
    configSchema: {
      type: 'object',
      properties: { expression: { type: 'string' } },
      additionalProperties: false,
    },
    expressionFields: ['expression'],
    defaultConfig: { expression: '$' },
    hasInput: true,
    outPorts: [],
  },
  prepare: (node) => node.expression('/expression'),
  run: (expression, input, context) =>
    expression ? expression.evaluate(input, context.scope()) : input,
  // Without an expression it passes its input on.
  readsInput: (expression) => expression?.readsInput ?? true,
  light: (expression) => allFast([expression]),
  direct: (expression) => expression?.evaluate,
});
