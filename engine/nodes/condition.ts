import { andThen } from '../util/promise.ts';
import { isTruthy } from '../util/truthy.ts';
import { defineNode } from './kind.ts';

export default defineNode({
  info: {
    kind: 'condition',
    label: 'Condition',
    group: 'Flow',
    description:
      'Passes its input on `true` or `false`, by the truthiness of an expression (as JSONata $boolean).',
    configSchema: {
      type: 'object',
      properties: { expression: { type: 'string' } },
      required: ['expression'],
      additionalProperties: false,
    },
    expressionFields: ['expression'],
    defaultConfig: { expression: 'true' },
    hasInput: true,
    outPorts: ['true', 'false'],
  },
  prepare: (node) => node.expression('/expression'),
  run(expression, input, context) {
    if (!expression) return input;
    return andThen(expression.evaluate(input, context.scope()), (value) => {
      context.port = isTruthy(value) ? 0 : 1;
      return input;
    });
  },
});
