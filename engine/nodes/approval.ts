import type { CompiledExpression } from '../expression/api.ts';
import type { Json } from '../types.ts';
import { andThen } from '../util/promise.ts';
import type { NodeContext } from './kind.ts';
import { defineNode } from './kind.ts';

function decide(input: Json, context: NodeContext): Json {
  const decision = context.options.decisions?.[context.nodeId];
  if (decision === undefined && context.mode === 'live') {
    // Nobody has decided yet: the run stops here and reports `waiting`.
    context.waiting = true;
    return input;
  }
  context.port = decision === 'rejected' ? 1 : 0;
  return input;
}

export default defineNode<CompiledExpression | undefined>({
  info: {
    kind: 'approval',
    label: 'Approval',
    group: 'People & time',
    description:
      'Asks a person to approve or reject; passes its input on `approved` or `rejected`. Preview runs take the decision from the run options (default: approved).',
    configSchema: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        assignee: { type: 'string' },
        timeoutSeconds: { type: 'number', exclusiveMinimum: 0 },
      },
      additionalProperties: false,
    },
    expressionFields: ['message'],
    defaultConfig: { message: '"Please approve"' },
    hasInput: true,
    outPorts: ['approved', 'rejected'],
  },
  prepare: (node) => node.expression('/message'),
  run(message, input, context) {
    if (!message) return decide(input, context);
    return andThen(message.evaluate(input, context.scope()), (text) => {
      context.message = typeof text === 'string' ? text : JSON.stringify(text ?? null);
      return decide(input, context);
    });
  },
});
