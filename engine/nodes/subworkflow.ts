import type { CompiledExpression } from '../expression/api.ts';
import { defineNode, NodeError } from './kind.ts';

interface SubworkflowData {
  workflow: string;
  input: CompiledExpression | undefined;
}

export default defineNode<SubworkflowData>({
  info: {
    kind: 'subworkflow',
    label: 'Subworkflow',
    group: 'Flow',
    description:
      'Runs another workflow by id with an input (expression, default `$`) and outputs its output.',
    configSchema: {
      type: 'object',
      properties: {
        workflow: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$' },
        input: { type: 'string' },
      },
      required: ['workflow'],
      additionalProperties: false,
    },
    expressionFields: ['input'],
    defaultConfig: { input: '$' },
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: (node) => ({
    workflow: typeof node.config.workflow === 'string' ? node.config.workflow : '',
    input: node.expression('/input'),
  }),
  async run(data, input, context) {
    const subInput = data.input ? await data.input.evaluate(input, context.scope()) : input;
    const result = await context.runSubworkflow(data.workflow, subInput ?? null);
    if (result.status === 'failed') {
      const inner = result.error;
      throw new NodeError({
        code: 'SUBWORKFLOW_FAILED',
        message: `Node "${context.nodeId}": sub-workflow "${data.workflow}" failed${inner ? ` at node "${inner.node ?? '?'}" with ${inner.code}: ${inner.message}` : ''}`,
      });
    }
    if (result.status === 'waiting') context.waiting = true;
    return result.output;
  },
});
