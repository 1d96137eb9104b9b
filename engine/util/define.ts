// A terse way to write a definition in code (tests, benchmarks): nodes as
// `[id, kind, config?]` and edges as `'source.port -> target'`.

import type {
  EdgeDefinition,
  JsonObject,
  NodeDefinition,
  NodeKindName,
  WorkflowDefinition,
} from '../types.ts';

export type NodeShorthand = readonly [id: string, kind: NodeKindName, config?: JsonObject];

/** Parses `'a -> b'` or `'a.true -> b'` into an edge. */
export function edge(text: string): EdgeDefinition {
  const [from = '', target = ''] = text.split('->').map((part) => part.trim());
  const dot = from.indexOf('.');
  return dot < 0
    ? { source: from, target }
    : { source: from.slice(0, dot), sourcePort: from.slice(dot + 1), target };
}

export function defineWorkflow(
  nodes: readonly NodeShorthand[],
  edges: readonly string[],
  extra: Partial<WorkflowDefinition> = {},
): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'test',
    name: 'Test',
    nodes: nodes.map(([id, kind, config]): NodeDefinition =>
      config ? { id, kind, config } : { id, kind },
    ),
    edges: edges.map(edge),
    ...extra,
  };
}
