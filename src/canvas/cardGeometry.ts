// A card's size and handles before the browser has laid the card out. React
// Flow draws every node it has not measured, wherever it is, to find its
// handles; on a big canvas (past 300 nodes, where only the cards in view are
// drawn) that was a thousand cards drawn at once when a workflow opened
// (seconds of a frozen page; see bench/RESULTS.md). Given these estimates
// instead, it draws only the cards in view, and measures each one as it first
// comes into view, which replaces the estimate (Canvas.tsx). An estimate is
// used only for what is not drawn: the far end of an edge to a card out of
// view, the minimap, fitting the view, and which cards are in view.

import { Position, type NodeHandle } from '@xyflow/react';
import { nodeKindInfo, type NodeDefinition } from '../engine/client.ts';
import {
  CARD_HEAD,
  cardOutPorts,
  CARD_PORT_ROW,
  estimatedNodeHeight,
  NODE_WIDTH,
  portColumnHeight,
} from '../store/layout.ts';

// The handles (App.css), in the card's own pixels, measured on drawn cards:
// 11 px squares; the input half out of the left edge, the out ports just past
// the right edge, each level with its row (the rows spaced evenly down the
// out-port column), and `error` on the bottom edge.
const HANDLE = 11;
const IN_X = -10;
const OUT_X = NODE_WIDTH + 1;
const ERROR_X = 182;
const ERROR_FROM_BOTTOM = 5;

export interface CardEstimate {
  height: number;
  handles: NodeHandle[];
}

/** A card's height and handles as the canvas will draw it, with one line of preview. */
export function estimatedCard(node: NodeDefinition): CardEstimate {
  const ports = cardOutPorts(node);
  const height = estimatedNodeHeight(ports.length);
  const gap = (portColumnHeight(ports.length) - CARD_PORT_ROW * ports.length) / (ports.length + 1);
  const handles: NodeHandle[] = ports.map((id, i) => ({
    id,
    type: 'source',
    position: Position.Right,
    x: OUT_X,
    y: CARD_HEAD + gap * (i + 1) + CARD_PORT_ROW * i + (CARD_PORT_ROW - HANDLE) / 2,
    width: HANDLE,
    height: HANDLE,
  }));
  handles.push({
    id: 'error',
    type: 'source',
    position: Position.Bottom,
    x: ERROR_X,
    y: height - ERROR_FROM_BOTTOM,
    width: HANDLE,
    height: HANDLE,
  });
  if (nodeKindInfo(node.kind)?.hasInput !== false) {
    handles.push({
      id: 'in',
      type: 'target',
      position: Position.Left,
      x: IN_X,
      y: (height - HANDLE) / 2,
      width: HANDLE,
      height: HANDLE,
    });
  }
  return { height, handles };
}
