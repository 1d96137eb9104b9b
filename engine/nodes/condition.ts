import type { Json } from '../types.ts';
import { isPromiseLike } from '../util/promise.ts';
import { isTruthy } from '../util/truthy.ts';
import type { NodeContext } from './kind.ts';
import { allFast, defineNode } from './kind.ts';

function route(value: Json | undefined, input: Json, context: NodeContext): Json {
  context.port = isTruthy(value) ? 0 : 1;
  return input;
}

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
    const value = expression.evaluate(input, context.scope());
    // No closure on the synchronous path: conditions run on every keystroke.
    if (isPromiseLike<Json | undefined>(value)) {
      return value.then((resolved) => route(resolved, input, context));
    }
    return route(value, input, context);
  },
  light: (expression) => allFast([expression]),
});
