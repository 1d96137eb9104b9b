import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { NodeDefinition, NodeKindName, NodeSummary } from '../engine/client.ts';
import { NODE_KINDS } from '../engine/client.ts';
import { edgeKey, editorStore, useEditor } from '../store/editorStore.ts';
import { NODE_WIDTH } from '../store/layout.ts';
import { registerCanvasApi } from './canvasApi.ts';
import { KIND_MIME } from './kindMime.ts';
import { statusColour } from './nodeVisuals.ts';
import { RefusalBanner } from './RefusalBanner.tsx';
import { WeftNode } from './WeftNode.tsx';

const nodeTypes: NodeTypes = { weft: WeftNode };

type Measured = { width: number; height: number };

interface CachedNode {
  definition: NodeDefinition;
  selected: boolean;
  measured: Measured | undefined;
  node: Node;
}

/**
 * Builds React Flow nodes from the document. Each entry is reused while its
 * definition, selection and size are unchanged, so React Flow skips the cards
 * that did not change: a drag rebuilds one entry, not a thousand.
 */
function createFlowNodeBuilder() {
  let cache = new Map<string, CachedNode>();
  return (
    definitions: readonly NodeDefinition[],
    selectedIds: readonly string[],
    measured: ReadonlyMap<string, Measured>,
  ): Node[] => {
    const selected = new Set(selectedIds);
    const next = new Map<string, CachedNode>();
    const flow = definitions.map((definition) => {
      const isSelected = selected.has(definition.id);
      const size = measured.get(definition.id);
      const hit = cache.get(definition.id);
      if (
        hit &&
        hit.definition === definition &&
        hit.selected === isSelected &&
        hit.measured === size
      ) {
        next.set(definition.id, hit);
        return hit.node;
      }
      const node: Node = {
        id: definition.id,
        type: 'weft',
        position: definition.position ?? { x: 0, y: 0 },
        data: {},
        selected: isSelected,
        width: NODE_WIDTH,
        ...(size ? { measured: size } : {}),
      };
      next.set(definition.id, { definition, selected: isSelected, measured: size, node });
      return node;
    });
    cache = next;
    return flow;
  };
}

/** An edge the run took: its source ran and emitted on the edge's port. */
function isTaken(summary: NodeSummary | undefined, port: string): boolean {
  return summary !== undefined && summary.status !== 'skipped' && summary.port === port;
}

function useFlowEdges(): Edge[] {
  const edges = useEditor((s) => s.document.edges);
  const selected = useEditor((s) => s.selectedEdgeIds);
  const summaries = useEditor((s) => s.nodeSummaries);
  const hasRun = useEditor((s) => s.previewState === 'done' || s.previewState === 'running');
  return useMemo(() => {
    const selectedSet = new Set(selected);
    return edges.map((edge) => {
      const id = edgeKey(edge);
      const port = edge.sourcePort ?? 'out';
      const taken = isTaken(summaries[edge.source], port);
      const classes = [
        port === 'error' ? 'edge-error' : '',
        hasRun && Object.keys(summaries).length > 0 ? (taken ? 'edge-taken' : 'edge-dimmed') : '',
      ];
      return {
        id,
        source: edge.source,
        target: edge.target,
        sourceHandle: port,
        targetHandle: edge.targetPort ?? 'in',
        selected: selectedSet.has(id),
        className: classes.filter(Boolean).join(' '),
        data: { taken },
      };
    });
  }, [edges, selected, summaries, hasRun]);
}

function CanvasInner() {
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const [buildNodes] = useState(createFlowNodeBuilder);
  const [measured, setMeasured] = useState<ReadonlyMap<string, Measured>>(() => new Map());
  const definitions = useEditor((s) => s.document.nodes);
  const selectedIds = useEditor((s) => s.selectedNodeIds);
  const nodes = useMemo(
    () => buildNodes(definitions, selectedIds, measured),
    [buildNodes, definitions, selectedIds, measured],
  );
  const edges = useFlowEdges();
  const loadedId = useEditor((s) => s.document.id);
  const nodeCount = useEditor((s) => s.document.nodes.length);

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
          void flow.fitView({ padding: 0.15, duration: 200 });
        },
      }),
    [flow],
  );

  // A newly opened workflow is framed once its nodes have been measured.
  const framed = useRef<string | null>(null);
  useEffect(() => {
    if (framed.current === loadedId || nodeCount === 0 || measured.size === 0) return;
    framed.current = loadedId;
    void flow.fitView({ padding: 0.08, maxZoom: 1 });
  }, [flow, loadedId, nodeCount, measured]);

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
    <div className="canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        minZoom={0.1}
        maxZoom={2}
        fitView
        fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: 'default' }}
        aria-label="Workflow canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
        <Controls position="bottom-left" />
        <StatusMiniMap />
      </ReactFlow>
      <RefusalBanner />
    </div>
  );
}

/** The minimap, with each node in its status colour (re-coloured when a run lands). */
function StatusMiniMap() {
  const summaries = useEditor((s) => s.nodeSummaries);
  const nodeColor = useCallback(
    (node: Node) => statusColour[summaries[node.id]?.status ?? 'idle'],
    [summaries],
  );
  return (
    <MiniMap
      position="bottom-right"
      pannable
      zoomable
      nodeColor={nodeColor}
      nodeBorderRadius={4}
      maskColor="rgba(241, 245, 249, 0.7)"
    />
  );
}

export function Canvas() {
  return (
    <ReactFlowProvider>
      <CanvasInner />
    </ReactFlowProvider>
  );
}
