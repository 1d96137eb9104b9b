// The minimap: every node as a rectangle in its status colour, drawn on a
// <canvas> with one fill per colour, under an SVG that shows the viewport and
// takes the pointer (React Flow's own pan and wheel-zoom, XYMinimap).
//
// React Flow's <MiniMap> renders an SVG <rect> per node, each through its own
// component and store subscription. On a 1,000-node workflow that was the
// largest part of undoing a delete of everything: 1,000 components and rects
// created in one task (31 ms of setAttribute alone; bench/RESULTS.md). Drawing
// the same rectangles on a canvas takes about half a millisecond for 1,000
// nodes, and a node moved or a status changed redraws the canvas, not a
// component per node.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import {
  Panel,
  useStore as useFlowStore,
  useStoreApi,
  type InternalNode,
  type ReactFlowState,
} from '@xyflow/react';
import {
  getBoundsOfRects,
  getInternalNodesBounds,
  getNodeDimensions,
  nodeHasDimensions,
  XYMinimap,
  type Rect,
  type XYMinimapInstance,
} from '@xyflow/system';
import type { NodeSummary } from '../engine/client.ts';
import { summaryDelta, useEditor } from '../store/editorStore.ts';
import { statusColour } from './nodeVisuals.ts';

/** The minimap's size in CSS pixels (React Flow's default). */
const MINIMAP_WIDTH = 200;
const MINIMAP_HEIGHT = 150;
/** A margin around the bounds, in minimap pixels (React Flow's `offsetScale`). */
const MARGIN = 5;
/** Corner radius of a node's rectangle, in flow units. */
const RADIUS = 4;
const LABEL = 'Mini Map';

/** The flow-space rectangle the minimap shows, and flow units per minimap pixel. */
interface MinimapView extends Rect {
  scale: number;
}

/**
 * What the minimap shows: the nodes' bounds and the viewport's, centred and
 * scaled to fit the minimap, with a margin. The same arithmetic as React
 * Flow's <MiniMap>, so the view is where it was.
 */
function minimapView(bounds: Rect): MinimapView {
  const scale = Math.max(bounds.width / MINIMAP_WIDTH, bounds.height / MINIMAP_HEIGHT);
  const width = scale * MINIMAP_WIDTH;
  const height = scale * MINIMAP_HEIGHT;
  const margin = MARGIN * scale;
  return {
    x: bounds.x - (width - bounds.width) / 2 - margin,
    y: bounds.y - (height - bounds.height) / 2 - margin,
    width: width + margin * 2,
    height: height + margin * 2,
    scale,
  };
}

const notHidden = (node: InternalNode) => !node.hidden;

interface FlowView {
  viewport: Rect;
  bounds: Rect;
}

function selectView(s: ReactFlowState): FlowView {
  const [tx, ty, zoom] = s.transform;
  const viewport = { x: -tx / zoom, y: -ty / zoom, width: s.width / zoom, height: s.height / zoom };
  let anyShown = false;
  for (const node of s.nodeLookup.values()) {
    if (!node.hidden) {
      anyShown = true;
      break;
    }
  }
  return {
    viewport,
    bounds: anyShown
      ? getBoundsOfRects(getInternalNodesBounds(s.nodeLookup, { filter: notHidden }), viewport)
      : viewport,
  };
}

const sameRect = (a: Rect, b: Rect) =>
  a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
// The selector makes new rectangles at every store change; compared by value,
// the minimap renders only when the view moved.
const sameView = (a: FlowView, b: FlowView) =>
  sameRect(a.viewport, b.viewport) && sameRect(a.bounds, b.bounds);

const selectPanZoom = (s: ReactFlowState) => s.panZoom;
const selectExtent = (s: ReactFlowState) => s.translateExtent;
const selectWidth = (s: ReactFlowState) => s.width;
const selectHeight = (s: ReactFlowState) => s.height;

type Statuses = ReadonlyMap<string, NodeSummary['status']>;

let statusesOf: ReadonlyMap<string, NodeSummary> | null = null;
let lastStatuses: Statuses = new Map();

/**
 * Each node's status, as the same object for as long as no status changes.
 * Runs bring new summaries on every keystroke, but statuses change only when a
 * branch flips; the minimap redraws only then. A reply's new summaries are
 * looked at by the ids it changed (summaryDelta), not by a walk over every
 * node. A Map, because a flip copies every status to change a few: on
 * big-1000 that copy took about 0.3 ms as an object, 0.07 ms as a Map.
 */
function selectStatuses(state: { nodeSummaries: ReadonlyMap<string, NodeSummary> }): Statuses {
  const summaries = state.nodeSummaries;
  if (summaries === statusesOf) return lastStatuses;
  const delta = summaryDelta(summaries);
  if (delta && delta.from === statusesOf) {
    let next: Map<string, NodeSummary['status']> | null = null;
    for (const id of delta.ids) {
      const status = summaries.get(id)?.status;
      if (status === lastStatuses.get(id)) continue;
      next ??= new Map(lastStatuses);
      if (status === undefined) next.delete(id);
      else next.set(id, status);
    }
    if (next) lastStatuses = next;
  } else {
    const next = new Map<string, NodeSummary['status']>();
    let same = summaries.size === lastStatuses.size;
    for (const [id, summary] of summaries) {
      next.set(id, summary.status);
      if (lastStatuses.get(id) !== summary.status) same = false;
    }
    if (!same) lastStatuses = next;
  }
  statusesOf = summaries;
  return lastStatuses;
}

/** Draws every shown node at its place in `view`, one fill per status colour. */
function drawNodes(
  canvas: HTMLCanvasElement,
  nodes: ReactFlowState['nodeLookup'],
  view: Rect,
  statuses: Statuses,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(MINIMAP_WIDTH * ratio);
  const height = Math.round(MINIMAP_HEIGHT * ratio);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.clearRect(0, 0, width, height);
  // In device pixels. The SVG above fits `view` into the minimap keeping its
  // aspect (its viewBox's default, centred); the canvas draws the same way.
  const fit = Math.min(MINIMAP_WIDTH / view.width, MINIMAP_HEIGHT / view.height);
  const k = fit * ratio;
  const left = ((MINIMAP_WIDTH - view.width * fit) / 2) * ratio - view.x * k;
  const top = ((MINIMAP_HEIGHT - view.height * fit) / 2) * ratio - view.y * k;
  // Below a pixel a rounded corner does not show; plain rectangles are cheaper.
  const radius = RADIUS * k >= 1 ? RADIUS * k : 0;
  const paths = new Map<string, Path2D>();
  for (const node of nodes.values()) {
    const user = node.internals.userNode;
    if (user.hidden || !nodeHasDimensions(user)) continue;
    const colour = statusColour[statuses.get(node.id) ?? 'idle'];
    let path = paths.get(colour);
    if (!path) paths.set(colour, (path = new Path2D()));
    const { width: w, height: h } = getNodeDimensions(user);
    const { x, y } = node.internals.positionAbsolute;
    // On whole pixels, and at least one each way: a long chain's cards are
    // thinner than a pixel here, and would blur or fade to nothing (React
    // Flow's crisp-edged rects vanished on big-1000).
    const atX = Math.round(left + x * k);
    const atY = Math.round(top + y * k);
    const across = Math.max(Math.round(w * k), 1);
    const down = Math.max(Math.round(h * k), 1);
    if (radius) path.roundRect(atX, atY, across, down, radius);
    else path.rect(atX, atY, across, down);
  }
  for (const [colour, path] of paths) {
    context.fillStyle = colour;
    context.fill(path);
  }
}

/** The minimap, with each node in its status colour; drag it to pan, scroll it to zoom. */
export function StatusMiniMap() {
  const store = useStoreApi();
  const statuses = useEditor(selectStatuses);
  const { viewport, bounds } = useFlowStore(selectView, sameView);
  const panZoom = useFlowStore(selectPanZoom);
  const translateExtent = useFlowStore(selectExtent);
  const flowWidth = useFlowStore(selectWidth);
  const flowHeight = useFlowStore(selectHeight);
  const view = useMemo(() => minimapView(bounds), [bounds]);

  const svg = useRef<SVGSVGElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  // What a draw and the pointer handlers read: the latest commit's.
  const shown = useRef({ view, statuses });
  const frame = useRef(0);

  const draw = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = 0;
    if (!canvas.current) return;
    drawNodes(
      canvas.current,
      store.getState().nodeLookup,
      shown.current.view,
      shown.current.statuses,
    );
  }, [store]);

  // A change the minimap renders for (the view, a status) is drawn in its own
  // commit.
  useLayoutEffect(() => {
    shown.current = { view, statuses };
    draw();
  }, [view, statuses, draw]);

  // A node moved, added or removed, which the minimap does not render for, is
  // drawn at the next frame, once for however many changes came before it.
  useEffect(() => {
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.nodes === previous.nodes && state.nodeLookup === previous.nodeLookup) return;
      frame.current ||= requestAnimationFrame(draw);
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [store, draw]);

  const minimap = useRef<XYMinimapInstance | null>(null);
  useEffect(() => {
    if (!svg.current || !panZoom) return;
    const instance = XYMinimap({
      domNode: svg.current,
      panZoom,
      getTransform: () => store.getState().transform,
      getViewScale: () => shown.current.view.scale,
    });
    minimap.current = instance;
    return () => {
      instance.destroy();
      minimap.current = null;
    };
  }, [panZoom, store]);

  // After the effect above, so a new instance gets its settings at once.
  useEffect(() => {
    minimap.current?.update({
      translateExtent,
      width: flowWidth,
      height: flowHeight,
      pannable: true,
      zoomable: true,
    });
  }, [panZoom, translateExtent, flowWidth, flowHeight]);

  const { x, y, width, height } = view;
  const outside = `M${x - width},${y - height}h${width * 3}v${height * 3}h${-width * 3}z`;
  const inView = `M${viewport.x},${viewport.y}h${viewport.width}v${viewport.height}h${-viewport.width}z`;
  return (
    <Panel
      position="bottom-right"
      className="react-flow__minimap weft-minimap"
      data-testid="rf__minimap"
    >
      <canvas
        ref={canvas}
        style={{ width: MINIMAP_WIDTH, height: MINIMAP_HEIGHT }}
        aria-hidden="true"
      />
      <svg
        ref={svg}
        width={MINIMAP_WIDTH}
        height={MINIMAP_HEIGHT}
        viewBox={`${x} ${y} ${width} ${height}`}
        role="img"
        aria-label={LABEL}
      >
        <path className="weft-minimap-mask" d={`${outside} ${inView}`} fillRule="evenodd" />
      </svg>
    </Panel>
  );
}
