// Automatic layout with elkjs: layered, left to right. elk is loaded on first
// use so it stays out of the initial bundle.

import type { Position, WorkflowDefinition } from '../engine/client.ts';
import { outPortsOf } from '../engine/client.ts';

/** The canvas draws nodes this wide; heights grow with the number of out ports. */
export const NODE_WIDTH = 220;

export function estimatedNodeHeight(ports: number): number {
  return Math.max(92, 16 + ports * 18);
}

export async function layoutDocument(document: WorkflowDefinition): Promise<Map<string, Position>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const ids = new Set(document.nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: document.nodes.map((node) => ({
      id: node.id,
      width: NODE_WIDTH,
      height: estimatedNodeHeight(outPortsOf(node).length),
    })),
    edges: document.edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge, i) => ({ id: `e${i}`, sources: [edge.source], targets: [edge.target] })),
  });
  const positions = new Map<string, Position>();
  for (const child of graph.children ?? []) {
    positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return positions;
}
