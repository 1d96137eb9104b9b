// TEMPORARY: node-kind metadata the editor uses until engine/index.ts lands with
// the engine's own `nodeKinds` and `outPortsOf`. client.ts is the only importer;
// when the engine lands, client.ts re-exports the engine's and this file goes.
import type { NodeDefinition, NodeKindInfo } from '../../engine/types.ts';

const expr = { type: 'string' };

export const nodeKinds: NodeKindInfo[] = [
  {
    kind: 'trigger',
    label: 'Trigger',
    group: 'Flow',
    description: 'Starts the workflow with its input.',
    configSchema: { type: 'object', properties: {} },
    expressionFields: [],
    defaultConfig: {},
    hasInput: false,
    outPorts: ['out'],
  },
  {
    kind: 'condition',
    label: 'Condition',
    group: 'Flow',
    description: 'Routes its input to true or false.',
    configSchema: { type: 'object', properties: { expression: expr } },
    expressionFields: ['expression'],
    defaultConfig: { expression: 'true' },
    hasInput: true,
    outPorts: ['true', 'false'],
  },
  {
    kind: 'switch',
    label: 'Switch',
    group: 'Flow',
    description: 'Routes its input to the first matching case.',
    configSchema: { type: 'object', properties: { cases: { type: 'array' } } },
    expressionFields: [],
    defaultConfig: { cases: [{ port: 'case1', expression: 'true' }] },
    hasInput: true,
    outPorts: ['default'],
  },
  {
    kind: 'merge',
    label: 'Merge',
    group: 'Flow',
    description: 'Joins parallel branches.',
    configSchema: { type: 'object', properties: {} },
    expressionFields: [],
    defaultConfig: {},
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'transform',
    label: 'Transform',
    group: 'Data',
    description: 'Computes a new value with JSONata.',
    configSchema: { type: 'object', properties: { expression: expr } },
    expressionFields: ['expression'],
    defaultConfig: { expression: '$' },
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'map',
    label: 'Map',
    group: 'Data',
    description: 'Evaluates an expression for each item.',
    configSchema: { type: 'object', properties: { items: expr, expression: expr } },
    expressionFields: ['items', 'expression'],
    defaultConfig: { items: '$', expression: '$' },
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'validate',
    label: 'Validate',
    group: 'Data',
    description: 'Checks its input against a JSON Schema.',
    configSchema: { type: 'object', properties: { schema: {} } },
    expressionFields: [],
    defaultConfig: { schema: { type: 'object' } },
    hasInput: true,
    outPorts: ['valid', 'invalid'],
  },
  {
    kind: 'http',
    label: 'HTTP request',
    group: 'Integrations',
    description: 'Calls an HTTP endpoint (mocked in preview).',
    configSchema: { type: 'object', properties: { method: { type: 'string' }, url: expr } },
    expressionFields: ['url'],
    defaultConfig: {
      method: 'GET',
      url: '"https://example.com"',
      mock: { status: 200, headers: {}, body: {} },
    },
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'llm',
    label: 'LLM',
    group: 'Integrations',
    description: 'Asks a language model (mocked in preview).',
    configSchema: { type: 'object', properties: { model: { type: 'string' }, prompt: expr } },
    expressionFields: ['prompt'],
    defaultConfig: { model: 'gpt-4o-mini', prompt: '"Hello"', mock: { text: 'Hello!' } },
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'subworkflow',
    label: 'Sub-workflow',
    group: 'Integrations',
    description: 'Runs another workflow.',
    configSchema: { type: 'object', properties: { workflow: { type: 'string' }, input: expr } },
    expressionFields: ['input'],
    defaultConfig: { workflow: '', input: '$' },
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'approval',
    label: 'Approval',
    group: 'People & time',
    description: 'Waits for a person to approve or reject.',
    configSchema: { type: 'object', properties: { message: expr } },
    expressionFields: ['message'],
    defaultConfig: {},
    hasInput: true,
    outPorts: ['approved', 'rejected'],
  },
  {
    kind: 'delay',
    label: 'Delay',
    group: 'People & time',
    description: 'Waits, on a virtual clock in preview.',
    configSchema: { type: 'object', properties: { seconds: {} } },
    expressionFields: [],
    defaultConfig: { seconds: 60 },
    hasInput: true,
    outPorts: ['out'],
  },
  {
    kind: 'output',
    label: 'Output',
    group: 'End',
    description: "Becomes the workflow's output.",
    configSchema: { type: 'object', properties: { expression: expr } },
    expressionFields: ['expression'],
    defaultConfig: { expression: '$' },
    hasInput: true,
    outPorts: [],
  },
  {
    kind: 'fail',
    label: 'Fail',
    group: 'End',
    description: 'Fails the run with an error.',
    configSchema: { type: 'object', properties: { error: { type: 'string' }, cause: expr } },
    expressionFields: ['cause'],
    defaultConfig: { error: 'FAILED', cause: '"Failed"' },
    hasInput: true,
    outPorts: [],
  },
];

export function outPortsOf(node: NodeDefinition): string[] {
  if (node.kind === 'switch') {
    const cases = node.config?.['cases'];
    const ports = Array.isArray(cases)
      ? cases.flatMap((c) =>
          c && typeof c === 'object' && !Array.isArray(c) && typeof c['port'] === 'string'
            ? [c['port']]
            : [],
        )
      : [];
    return [...ports, 'default'];
  }
  return nodeKinds.find((k) => k.kind === node.kind)?.outPorts ?? [];
}
