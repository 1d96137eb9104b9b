import type { CompiledExpression } from '../expression/api.ts';
import type { Json } from '../types.ts';
import { andThen } from '../util/promise.ts';
import type { NodeContext } from './kind.ts';
import { defineNode, describe, NodeError } from './kind.ts';

function waitFor(seconds: Json | undefined, input: Json, context: NodeContext) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new NodeError({
      code: 'EXPRESSION_ERROR',
      message: `Node "${context.nodeId}": seconds must be a number of 0 or more, not ${describe(seconds)}.`,
    });
  }
  return andThen(context.wait(seconds * 1000), () => input);
}

export default defineNode<number | CompiledExpression | undefined>({
  info: {
    kind: 'delay',
    label: 'Delay',
    group: 'People & time',
    description:
      'Waits a number of seconds (a number or an expression), then passes its input on. Preview runs advance a virtual clock instead.',
    configSchema: {
      type: 'object',
      properties: { seconds: { type: ['number', 'string'], minimum: 0 } },
      required: ['seconds'],
      additionalProperties: false,
    },
    expressionFields: ['seconds'],
    defaultConfig: { seconds: 60 },
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: (node) =>
    typeof node.config.seconds === 'number' ? node.config.seconds : node.expression('/seconds'),
  run(seconds, input, context) {
    if (typeof seconds === 'number' || seconds === undefined) {
      return waitFor(seconds ?? 0, input, context);
    }
    return andThen(seconds.evaluate(input, context.scope()), (value) =>
      waitFor(value, input, context),
    );
  },
});
