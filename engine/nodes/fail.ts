import type { CompiledExpression } from '../expression/api.ts';
import type { Json } from '../types.ts';
import { andThen } from '../util/promise.ts';
import { defineNode, NodeError } from './kind.ts';

interface FailData {
  code: string;
  cause: CompiledExpression | undefined;
}

export default defineNode<FailData>({
  info: {
    kind: 'fail',
    label: 'Fail',
    group: 'End',
    description:
      'Fails the run with an error code and a message (the `cause` expression), unless its `error` port is wired.',
    configSchema: {
      type: 'object',
      properties: {
        error: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' },
        cause: { type: 'string' },
      },
      required: ['error'],
      additionalProperties: false,
    },
    expressionFields: ['cause'],
    defaultConfig: { error: 'FAILED', cause: '"Something went wrong"' },
    hasInput: true,
    outPorts: [],
  },
  prepare: (node) => ({
    code: typeof node.config.error === 'string' ? node.config.error : 'FAILED',
    cause: node.expression('/cause'),
  }),
  run(data, input, context) {
    const raise = (cause: Json | undefined): never => {
      throw new NodeError({
        code: data.code,
        message:
          cause === undefined || cause === null
            ? `The workflow failed at node "${context.nodeId}".`
            : typeof cause === 'string'
              ? cause
              : JSON.stringify(cause),
      });
    };
    if (!data.cause) return raise(undefined);
    return andThen(data.cause.evaluate(input, context.scope()), raise);
  },
});
