import type { EdgeDefinition } from '../engine/client.ts';

/**
 * Ids of the nodes upstream of `nodeId` (those `$nodes.<id>` may name), nearest
 * first. One walk back over the edges: O(nodes + edges).
 */
export function upstreamOf(edges: readonly EdgeDefinition[], nodeId: string): string[] {
  const sourcesOf = new Map<string, string[]>();
  for (const edge of edges) {
    const list = sourcesOf.get(edge.target);
    if (list) list.push(edge.source);
    else sourcesOf.set(edge.target, [edge.source]);
  }
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  const queue = [nodeId];
  for (let i = 0; i < queue.length; i++) {
    for (const source of sourcesOf.get(queue[i] ?? '') ?? []) {
      if (seen.has(source)) continue;
      seen.add(source);
      order.push(source);
      queue.push(source);
    }
  }
  return order;
}
