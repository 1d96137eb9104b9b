import { defineNode } from './kind.ts';

export default defineNode({
  info: {
    kind: 'validate',
    label: 'Validate',
    group: 'Data',
    description:
      'Checks its input against a JSON Schema: `valid` passes it on, `invalid` outputs it with the errors.',
    configSchema: {
      type: 'object',
      properties: { schema: { type: ['object', 'boolean'] } },
      required: ['schema'],
      additionalProperties: false,
    },
    expressionFields: [],
    defaultConfig: { schema: { type: 'object' } },
    hasInput: true,
    outPorts: ['valid', 'invalid'],
  },
  prepare: (node) => node.schema('/schema', node.config.schema ?? true, 'SCHEMA_COMPILE'),
  run(schema, input, context) {
    const errors = schema ? schema.validate(input) : [];
    if (errors.length === 0) return input;
    context.port = 1;
    return { input, errors: errors.map((e) => ({ path: e.path, message: e.message })) };
  },
});
