// Automatic layout with elkjs: layered, left to right. elk is large (1.6 MB)
// and slow here (hundreds of ms for 100 nodes, seconds for 1,000), so it loads
// on first use and, in the app, runs in its own worker (see elkInWorker.ts) so
// the page stays responsive while it works. Tests use the in-process bundle.

import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';
import type { NodeDefinition, Position, WorkflowDefinition } from '../engine/client.ts';
import { outPortsOf } from '../engine/client.ts';

/** The canvas draws nodes this wide (App.css: .weft-node). */
export const NODE_WIDTH = 220;

// A card's height (App.css: .weft-node and its out-port column), as measured
// on drawn cards: the head with the top border is 40 px; under it the column
// of out ports (not `error`, which sits on the bottom edge), at least 41 px
// and 18 px per port; then 6 px of padding and the bottom border. A card with
// a two-line error or problem is taller.
export const CARD_HEAD = 40;
export const CARD_PORT_ROW = 18;
const CARD_PORT_COLUMN_MIN = 41;
const CARD_BELOW_PORTS = 7;

/** The out ports a card draws down its right edge: all but `error`, which sits on its bottom edge. */
export function cardOutPorts(node: NodeDefinition): string[] {
  return outPortsOf(node).filter((port) => port !== 'error');
}

/** The height of a card's out-port column, for its out ports other than `error`. */
export function portColumnHeight(ports: number): number {
  return Math.max(CARD_PORT_COLUMN_MIN, CARD_PORT_ROW * ports);
}

/** A card's height, for its out ports other than `error`. */
export function estimatedNodeHeight(ports: number): number {
  return CARD_HEAD + portColumnHeight(ports) + CARD_BELOW_PORTS;
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
      height: estimatedNodeHeight(cardOutPorts(node).length),
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
