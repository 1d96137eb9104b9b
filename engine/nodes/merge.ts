import { defineNode } from './kind.ts';

// The runner builds a merge's input (an object keyed by source node id, one
// entry per active incoming edge); the node passes it on.
export default defineNode({
  info: {
    kind: 'merge',
    label: 'Merge',
    group: 'Flow',
    description:
      'Joins parallel branches: waits for all of them and outputs an object keyed by source node id.',
    configSchema: { type: 'object', additionalProperties: false },
    expressionFields: [],
    defaultConfig: {},
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: () => undefined,
  run: (_data, input) => input,
});
