// Automatic layout with elkjs: layered, left to right. elk is large (1.6 MB)
// and slow here (hundreds of ms for 100 nodes, seconds for 1,000), so it loads
// on first use and, in the app, runs in its own worker (see elkInWorker.ts) so
// the page stays responsive while it works. Tests use the in-process bundle.

import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';
import type { Position, WorkflowDefinition } from '../engine/client.ts';
import { outPortsOf } from '../engine/client.ts';

/** The canvas draws nodes this wide; heights grow with the number of out ports. */
export const NODE_WIDTH = 220;

export function estimatedNodeHeight(ports: number): number {
  return Math.max(92, 16 + ports * 18);
}

type LayoutEngineFactory = () => Promise<Pick<ELK, 'layout'>>;

let createEngine: LayoutEngineFactory = async () => {
  const { default: ElkBundled } = await import('elkjs/lib/elk.bundled.js');
  return new ElkBundled();
};
let engine: Promise<Pick<ELK, 'layout'>> | null = null;

/** Chooses how elk runs (the app: in a worker). */
export function setLayoutEngine(factory: LayoutEngineFactory): void {
  createEngine = factory;
  engine = null;
}

// Polyline routing and low thoroughness: the canvas draws its own edges, so
// elk's spline routing and extra crossing-minimisation passes are wasted work.
const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.thoroughness': '2',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.spacing.nodeNodeBetweenLayers': '80',
  'elk.spacing.nodeNode': '40',
};

export async function layoutDocument(document: WorkflowDefinition): Promise<Map<string, Position>> {
  engine ??= createEngine();
  const elk = await engine;
  const ids = new Set(document.nodes.map((n) => n.id));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: document.nodes.map((node) => ({
      id: node.id,
      width: NODE_WIDTH,
      height: estimatedNodeHeight(outPortsOf(node).length),
    })),
    edges: document.edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge, i) => ({ id: `e${i}`, sources: [edge.source], targets: [edge.target] })),
  };
  const result = await elk.layout(graph);
  const positions = new Map<string, Position>();
  for (const child of result.children ?? []) {
    positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return positions;
}
