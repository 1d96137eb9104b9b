import { memo } from 'react';
import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import { useEditor } from '../store/editorStore.ts';
import { edgeLook } from './nodeVisuals.ts';

/**
 * React Flow's bezier edge, with its look read from the store by the edge
 * itself, as a card reads its own result. React Flow rebuilds its lookup of
 * every connection whenever the edges it is given change, so the looks are
 * kept out of them: a run that flips a branch re-renders the edges whose look
 * changed, and React Flow's edges stay as they were (on big-1000 the
 * rebuild was about 3 ms of every keystroke that flipped a branch, and most
 * of its garbage; bench/RESULTS.md).
 */
function WeftEdgeComponent(props: EdgeProps) {
  const look = useEditor((s) => edgeLook(s, props.source, props.sourceHandleId ?? 'out'));
  // The canvas's edges set no style, markers, label or interaction width of
  // their own, so React Flow's defaults apply, as with its own bezier edge.
  const [path] = getBezierPath(props);
  return <BaseEdge path={path} className={look} />;
}

export const WeftEdge = memo(WeftEdgeComponent);
