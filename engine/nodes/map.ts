import type { CompiledExpression } from '../expression/api.ts';
import type { Json } from '../types.ts';
import { isPromiseLike } from '../util/promise.ts';
import type { NodeContext, NodeReturn } from './kind.ts';
import { defineNode } from './kind.ts';

interface MapData {
  items: CompiledExpression | undefined;
  expression: CompiledExpression | undefined;
}

// JSONata sequences: nothing is an empty list, a single value a list of one.
function toList(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// Evaluates item after item, synchronously while evaluations are sync.
function mapFrom(
  expression: CompiledExpression,
  items: Json[],
  from: number,
  out: Json[],
  context: NodeContext,
): NodeReturn {
  const scope = context.scope();
  for (let i = from; i < items.length; i++) {
    const value = expression.evaluate(items[i] as Json, scope);
    if (isPromiseLike<Json | undefined>(value)) {
      return value.then((resolved) => {
        if (resolved !== undefined) out.push(resolved);
        return mapFrom(expression, items, i + 1, out, context);
      });
    }
    // Like JSONata's $map, an item that yields nothing leaves no hole.
    if (value !== undefined) out.push(value);
  }
  return out;
}

export default defineNode<MapData>({
  info: {
    kind: 'map',
    label: 'Map',
    group: 'Data',
    description:
      'Evaluates an expression for each item of a list (`items`, default `$`); outputs the results as an array.',
    configSchema: {
      type: 'object',
      properties: { items: { type: 'string' }, expression: { type: 'string' } },
      required: ['expression'],
      additionalProperties: false,
    },
    expressionFields: ['items', 'expression'],
    defaultConfig: { items: '$', expression: '$' },
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: (node) => ({
    items: node.expression('/items'),
    expression: node.expression('/expression'),
  }),
  run(data, input, context) {
    const { expression } = data;
    if (!expression) return [];
    const items = data.items ? data.items.evaluate(input, context.scope()) : input;
    if (isPromiseLike<Json | undefined>(items)) {
      return items.then((list) => mapFrom(expression, toList(list), 0, [], context));
    }
    return mapFrom(expression, toList(items), 0, [], context);
  },
});
