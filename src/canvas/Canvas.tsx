import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type DragEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore as useFlowStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type EdgeTypes,
  type Node,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { EdgeDefinition, NodeDefinition, NodeKindName } from '../engine/client.ts';
import { NODE_KINDS } from '../engine/client.ts';
import { edgeKey, editorStore, useEditor } from '../store/editorStore.ts';
import { NODE_WIDTH } from '../store/layout.ts';
import { registerCanvasApi } from './canvasApi.ts';
import { estimatedCard } from './cardGeometry.ts';
import { KIND_MIME } from './kindMime.ts';
import { RefusalBanner } from './RefusalBanner.tsx';
import { StatusMiniMap } from './StatusMiniMap.tsx';
import { WeftEdge } from './WeftEdge.tsx';
import { WeftNode } from './WeftNode.tsx';

const nodeTypes: NodeTypes = { weft: WeftNode };
const edgeTypes: EdgeTypes = { default: WeftEdge };

// React Flow copies these props into its store whenever their identity
// changes, which re-renders every edge; constants keep a keystroke cheap.
const FIT_VIEW = { padding: 0.08, maxZoom: 1 };
const PRO_OPTIONS = { hideAttribution: true };
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];

/**
 * Above this many nodes the canvas draws only the cards in view and opens at a
 * readable zoom rather than fitting everything: the browser's per-frame
 * compositing cost grows with every card on the page.
 */
const BIG_GRAPH = 300;
const BIG_GRAPH_ZOOM = 0.6;
const UNPLACED_COLUMNS = 8;

type Measured = { width: number; height: number };

interface CachedNode {
  position: NodeDefinition['position'];
  selected: boolean;
  measured: Measured | undefined;
  node: Node;
}

/**
 * Where a node without a position is drawn until it is laid out (a definition
 * written by hand or generated opens without them): the `index`th place of a
 * grid, so that only the cards in view are drawn, not all of them in one pile.
 */
function unplacedPosition(index: number): { x: number; y: number } {
  return {
    x: (index % UNPLACED_COLUMNS) * (NODE_WIDTH + 60),
    y: Math.floor(index / UNPLACED_COLUMNS) * 160,
  };
}

let countedNodes: readonly NodeDefinition[] | null = null;
let lastUnplaced = 0;

/** How many nodes have no position yet: looked at once per node list, not per store change. */
function unplacedCount(nodes: readonly NodeDefinition[]): number {
  if (nodes !== countedNodes) {
    countedNodes = nodes;
    lastUnplaced = nodes.reduce((count, n) => (n.position ? count : count + 1), 0);
  }
  return lastUnplaced;
}

/** A React Flow node for a definition, with what the builder's cache compares. */
function cachedNode(
  definition: NodeDefinition,
  index: number,
  selected: boolean,
  measured: Measured | undefined,
  big: boolean,
): CachedNode {
  const node: Node = {
    id: definition.id,
    type: 'weft',
    position: definition.position ?? unplacedPosition(index),
    data: {},
    selected,
    width: NODE_WIDTH,
  };
  if (measured) {
    node.measured = measured;
  } else if (big) {
    // Not drawn yet on a canvas that draws only the cards in view: its size
    // and handles as estimated, so that React Flow need not draw it to find
    // them, and can fit the view to it. The height is off by half a pixel,
    // which no drawn card measures (sizes are read in whole pixels), so its
    // first drawing is always measured and replaces the estimate.
    const estimate = estimatedCard(definition);
    node.measured = { width: NODE_WIDTH, height: estimate.height + 0.5 };
    node.handles = estimate.handles;
  }
  return { position: definition.position, selected, measured, node };
}

/**
 * Builds React Flow nodes from the document. Each entry is reused while its
 * definition, selection and size are unchanged, so React Flow skips the cards
 * that did not change: a drag rebuilds one entry, not a thousand.
 */
function createFlowNodeBuilder() {
  let cache = new Map<string, CachedNode>();
  let previous: Node[] = [];
  let inputs: unknown[] = [];
  return (
    definitions: readonly NodeDefinition[],
    selectedIds: readonly string[],
    measured: ReadonlyMap<string, Measured>,
  ): Node[] => {
    // Called on every store change: the same inputs give the same list at once.
    if (inputs[0] === definitions && inputs[1] === selectedIds && inputs[2] === measured) {
      return previous;
    }
    // A keystroke or a drag step changes one or a few definitions in place:
    // only those are looked at (an edit that keeps the node's position keeps
    // its React Flow node), not every node of a big canvas.
    const before = inputs[0] as readonly NodeDefinition[] | undefined;
    if (
      before !== undefined &&
      before.length === definitions.length &&
      previous.length === definitions.length &&
      inputs[1] === selectedIds &&
      inputs[2] === measured
    ) {
      inputs = [definitions, selectedIds, measured];
      let flow: Node[] | null = null;
      for (let i = 0; i < definitions.length; i++) {
        const definition = definitions[i] as NodeDefinition;
        if (definition === before[i]) continue;
        const hit = cache.get(definition.id);
        if (
          hit &&
          (before[i] as NodeDefinition).id === definition.id &&
          hit.position === definition.position
        ) {
          continue;
        }
        const isSelected = hit?.selected ?? selectedIds.includes(definition.id);
        const entry = cachedNode(
          definition,
          i,
          isSelected,
          measured.get(definition.id),
          definitions.length > BIG_GRAPH,
        );
        cache.set(definition.id, entry);
        flow ??= previous.slice();
        flow[i] = entry.node;
      }
      if (flow) previous = flow;
      return previous;
    }
    inputs = [definitions, selectedIds, measured];
    const selected = new Set(selectedIds);
    const next = new Map<string, CachedNode>();
    let changed = definitions.length !== previous.length;
    const flow = definitions.map((definition, i) => {
      const isSelected = selected.has(definition.id);
      const size = measured.get(definition.id);
      const hit = cache.get(definition.id);
      // A React Flow node carries only what React Flow needs (the card reads
      // the rest from the store), so editing a config reuses it: keyed by the
      // position object, which an edit of anything else keeps.
      if (
        hit &&
        hit.position === definition.position &&
        hit.selected === isSelected &&
        hit.measured === size
      ) {
        next.set(definition.id, hit);
        changed ||= previous[i] !== hit.node;
        return hit.node;
      }
      changed = true;
      const entry = cachedNode(definition, i, isSelected, size, definitions.length > BIG_GRAPH);
      next.set(definition.id, entry);
      return entry.node;
    });
    cache = next;
    // An unchanged list keeps its identity, so React Flow does not re-adopt it.
    if (changed) previous = flow;
    return previous;
  };
}

interface CachedEdge {
  id: string;
  selected: boolean;
  edge: Edge;
}

/**
 * Builds React Flow edges, reusing each one while its definition and
 * selection are unchanged (as for nodes), so the list keeps its identity until
 * an edge is added, removed or selected. An edge's look (taken, dimmed) is not
 * in it: WeftEdge reads that from the store itself.
 */
function createFlowEdgeBuilder() {
  let cache = new Map<EdgeDefinition, CachedEdge>();
  let previous: Edge[] = [];
  let inputs: unknown[] = [];

  return (definitions: readonly EdgeDefinition[], selectedIds: readonly string[]): Edge[] => {
    // Every change of the store asks; most (a keystroke, a run) change neither.
    if (inputs[0] === definitions && inputs[1] === selectedIds) return previous;
    inputs = [definitions, selectedIds];
    const selected = new Set(selectedIds);
    const fresh = new Map<EdgeDefinition, CachedEdge>();
    let changed = definitions.length !== previous.length;
    const flow = definitions.map((definition, i) => {
      const hit = cache.get(definition);
      const id = hit?.id ?? edgeKey(definition);
      const isSelected = selected.has(id);
      const entry: CachedEdge =
        hit && hit.selected === isSelected
          ? hit
          : {
              id,
              selected: isSelected,
              edge: {
                id,
                source: definition.source,
                target: definition.target,
                sourceHandle: definition.sourcePort ?? 'out',
                targetHandle: definition.targetPort ?? 'in',
                selected: isSelected,
              },
            };
      fresh.set(definition, entry);
      changed ||= previous[i] !== entry.edge;
      return entry.edge;
    });
    cache = fresh;
    if (changed) previous = flow;
    return previous;
  };
}

function CanvasInner() {
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const [buildNodes] = useState(createFlowNodeBuilder);
  const [measured, setMeasured] = useState<ReadonlyMap<string, Measured>>(() => new Map());
  const [buildEdges] = useState(createFlowEdgeBuilder);
  // The canvas subscribes to the lists React Flow gets, not to the document:
  // the builders hand back the same array while no card moved, was selected or
  // measured and no edge was added, removed or selected, so a keystroke in a
  // field or a run's new summaries do not re-render the canvas (and React Flow)
  // at all.
  const nodes = useEditor((s) => buildNodes(s.document.nodes, s.selectedNodeIds, measured));
  const edges = useEditor((s) => buildEdges(s.document.edges, s.selectedEdgeIds));
  const loadedId = useEditor((s) => s.document.id);
  // While an opened workflow without positions is laid out (seconds for a big
  // one), its cards wait in a grid and a notice says why; if elk fails, they stay there.
  const unplaced = useEditor((s) => unplacedCount(s.document.nodes));
  const [layoutFailed, setLayoutFailed] = useState<string | null>(null);

  useEffect(
    () =>
      registerCanvasApi({
        centre() {
          const box = wrapper.current?.getBoundingClientRect();
          if (!box) return { x: 0, y: 0 };
          const at = flow.screenToFlowPosition({
            x: box.left + box.width / 2,
            y: box.top + box.height / 2,
          });
          return { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - 40) };
        },
        fitView() {
          // After a store change the new positions reach React Flow on the next render.
          requestAnimationFrame(() => void flow.fitView({ padding: 0.08, duration: 200 }));
        },
      }),
    [flow],
  );

  // A newly opened workflow is framed once its nodes have been measured; one
  // that comes without positions (hand-written, generated) is laid out first.
  // A big one is framed at once: it opens on its trigger, which needs only
  // positions, and its cards out of view are not drawn, so not measured.
  const big = nodes.length > BIG_GRAPH;
  // Culling starts with the render that makes the graph big, but ends only
  // once React Flow holds the small one: it takes new nodes into its own store
  // after a render, so in the render where a big graph shrinks (all deleted,
  // another workflow opened) it still holds the old ones, and would draw every
  // one of them, unculled, only to remove them.
  const flowHoldsBig = useFlowStore((s) => s.nodes.length > BIG_GRAPH);
  const cull = big || flowHoldsBig;
  // React Flow fits the view to the next nodes it is given whenever its
  // `fitView` prop turns true, so the prop keeps its first value: a big graph
  // made small by a deletion would otherwise be refitted (zoomed out whole) at
  // its next change. Each opened workflow is framed below.
  const [fitOnMount] = useState(!big);
  const framed = useRef<string | null>(null);
  useEffect(() => {
    if (framed.current === loadedId || nodes.length === 0) return;
    if (!big && !nodes.every((n) => measured.has(n.id))) return;
    framed.current = loadedId;
    const store = editorStore.getState();
    const frame = () => {
      // A big workflow fitted whole is unreadable (and every card is drawn):
      // open it at a readable zoom on its trigger (or first node) instead.
      const { nodes: placed } = editorStore.getState().document;
      const start = placed.find((n) => n.kind === 'trigger') ?? placed[0];
      if (big && start) {
        const at = start.position ?? unplacedPosition(placed.indexOf(start));
        const box = wrapper.current?.getBoundingClientRect();
        void flow.setViewport({
          x: -at.x * BIG_GRAPH_ZOOM + 40,
          y: -at.y * BIG_GRAPH_ZOOM + (box ? box.height / 2 : 200),
          zoom: BIG_GRAPH_ZOOM,
        });
      } else {
        void flow.fitView(FIT_VIEW);
      }
    };
    if (unplacedCount(store.document.nodes) > 0) {
      void store.autoLayout({ record: false }).then(
        () => requestAnimationFrame(frame),
        () => {
          setLayoutFailed(loadedId);
          requestAnimationFrame(frame);
        },
      );
    } else {
      frame();
    }
  }, [flow, loadedId, nodes, measured, big]);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const state = editorStore.getState();
    const moves: Array<{ id: string; position: { x: number; y: number } }> = [];
    let dragEnded = false;
    let selection: Set<string> | null = null;
    const sizes: Array<{ id: string; size: Measured }> = [];
    for (const change of changes) {
      if (change.type === 'position') {
        if (change.position) moves.push({ id: change.id, position: change.position });
        if (change.dragging === false) dragEnded = true;
      } else if (change.type === 'select') {
        selection ??= new Set(state.selectedNodeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      } else if (change.type === 'dimensions' && change.dimensions) {
        sizes.push({ id: change.id, size: change.dimensions });
      }
    }
    if (moves.length > 0) state.moveNodes(moves);
    if (dragEnded) editorStore.getState().commitMove();
    if (selection) {
      editorStore.getState().select([...selection], editorStore.getState().selectedEdgeIds);
    }
    if (sizes.length > 0) {
      setMeasured((before) => {
        const changed = sizes.filter(({ id, size }) => {
          const old = before.get(id);
          return !old || old.width !== size.width || old.height !== size.height;
        });
        if (changed.length === 0) return before;
        const next = new Map(before);
        for (const { id, size } of changed)
          next.set(id, { width: size.width, height: size.height });
        return next;
      });
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const state = editorStore.getState();
    let selection: Set<string> | null = null;
    for (const change of changes) {
      if (change.type === 'select') {
        selection ??= new Set(state.selectedEdgeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
    }
    if (selection) state.select(state.selectedNodeIds, [...selection]);
  }, []);

  const onConnect = useCallback((connection: Connection) => {
    editorStore.getState().connect({
      source: connection.source,
      sourcePort: connection.sourceHandle ?? 'out',
      target: connection.target,
      targetPort: connection.targetHandle ?? 'in',
    });
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(KIND_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(KIND_MIME);
      if (!(NODE_KINDS as readonly string[]).includes(kind)) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      editorStore.getState().addNode(kind as NodeKindName, {
        x: Math.round(at.x - NODE_WIDTH / 2),
        y: Math.round(at.y - 24),
      });
    },
    [flow],
  );

  return (
    <CanvasFrame frame={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        minZoom={0.1}
        maxZoom={2}
        fitView={fitOnMount}
        fitViewOptions={FIT_VIEW}
        onlyRenderVisibleElements={cull}
        proOptions={PRO_OPTIONS}
        aria-label="Workflow canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
        <Controls position="bottom-left" />
        <StatusMiniMap />
      </ReactFlow>
      <RefusalBanner />
      {unplaced > 0 && layoutFailed !== loadedId && (
        <div className="canvas-notice" role="status">
          Laying out {unplaced} {unplaced === 1 ? 'node' : 'nodes'}…
        </div>
      )}
    </CanvasFrame>
  );
}

interface CanvasFrameProps {
  frame: RefObject<HTMLDivElement | null>;
  onDragOver(event: DragEvent): void;
  onDrop(event: DragEvent): void;
  children: ReactNode;
}

/**
 * The canvas's box, with a notice while the workflow does not compile: the
 * cards then show the last run's results. One element says so; fading every
 * card's text cost about 6 ms of main-thread work on the keystroke that broke
 * the expression and on the one that mended it (realistic-100, bench/RESULTS.md).
 * A component of its own, so the notice coming and going renders this box
 * alone: its children are the same elements, and React passes them by.
 */
function CanvasFrame({ frame, onDragOver, onDrop, children }: CanvasFrameProps) {
  const stale = useEditor((s) => s.previewState === 'invalid' && s.run !== null);
  return (
    <div className="canvas" ref={frame} onDragOver={onDragOver} onDrop={onDrop}>
      {children}
      {stale && (
        <div className="canvas-stale-notice" role="status">
          Showing the last run: the workflow has errors
        </div>
      )}
    </div>
  );
}

export function Canvas() {
  return (
    <ReactFlowProvider>
      <CanvasInner />
    </ReactFlowProvider>
  );
}
