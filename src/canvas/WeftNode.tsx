import { memo, useEffect, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { nodeKindInfo } from '../engine/client.ts';
import { useEditor } from '../store/editorStore.ts';
import { cardOutPorts } from '../store/layout.ts';
import { nodeDiagnostics, selectNode, selectNodeSummary } from '../store/selectors.ts';
import {
  formatDuration,
  kindGlyph,
  statusIcon,
  statusText,
  type CanvasStatus,
} from './nodeVisuals.ts';
import { fitMonospace, fitsMonospace, fitsProportional } from './textFit.ts';

// The card's title column and fonts (App.css: .weft-node-title, -label, -id).
const TITLE_WIDTH_PX = 145;
const LABEL_FONT_PX = 12.5;
const ID_FONT_PX = 10;
// The preview line's text box (App.css: a 220 px card less its borders of 1
// and 4 px, the body's padding of 8 + 8 px and the preview's of 6 + 6 px),
// beside a port column of 9 px, or, with port labels, of the widest 10 px
// monospace label plus 16 px (padding and rule).
const PREVIEW_WIDTH_PX = 220 - 5 - 16 - 12;
const PREVIEW_FONT_PX = 10.5;
const PORT_COLUMN_PX = 9;
const PORT_LABEL_FONT_PX = 10;
const PORT_LABEL_EXTRA_PX = 16;

/** The width left for the preview's text beside the card's out-port column, if any. */
function previewWidth(outPorts: readonly string[], labelled: boolean): number {
  if (outPorts.length === 0) return PREVIEW_WIDTH_PX;
  if (!labelled) return PREVIEW_WIDTH_PX - PORT_COLUMN_PX;
  const widest = Math.max(...outPorts.map((p) => p.length));
  // 0.62 em per character, as textFit.ts bounds a monospace text.
  return PREVIEW_WIDTH_PX - PORT_LABEL_EXTRA_PX - Math.ceil(widest * 0.62 * PORT_LABEL_FONT_PX);
}

const NO_PORTS: readonly string[] = [];

/**
 * React Flow measures a card's handles when it first draws the card, and again
 * only when the card's size changes. A port renamed since (a switch's case
 * port typed into) left its new handle unmeasured, and React Flow drew no edge
 * from it: the connection vanished from the canvas while the run still took
 * it. Asks for a new measure whenever the card's ports change, not on its
 * first draw (a big canvas draws hundreds of cards at once).
 */
function useMeasuredPorts(id: string, ports: readonly string[]): void {
  const updateNodeInternals = useUpdateNodeInternals();
  // Port names are identifiers: no line breaks.
  const key = ports.join('\n');
  const measured = useRef(key);
  useEffect(() => {
    if (measured.current === key) return;
    measured.current = key;
    updateNodeInternals(id);
  }, [id, key, updateNodeInternals]);
}

/**
 * One node card. It reads its own definition and result from the store by id
 * instead of through React Flow's `data`, so a run or a drag re-renders only
 * the cards whose node or result changed (STYLE.md: lists subscribe to ids).
 */
function WeftNodeComponent({ id, selected }: NodeProps) {
  const node = useEditor(selectNode(id));
  const summary = useEditor(selectNodeSummary(id));
  const diagnostics = useEditor((s) => nodeDiagnostics(s, id));
  // `error` sits on the bottom edge, styled apart; the others on the right.
  const outPorts = node ? cardOutPorts(node) : NO_PORTS;
  useMeasuredPorts(id, outPorts);
  if (!node) return null;
  const info = nodeKindInfo(node.kind);
  const status: CanvasStatus = summary?.status ?? 'idle';
  const problem = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
  // A lone `out` needs no label; every other port is named beside its handle.
  const labelled = !(outPorts.length === 1 && outPorts[0] === 'out');
  const errorLine = summary?.error?.message;
  const label = node.label ?? info?.label ?? node.kind;
  const labelClass = fitsProportional(label, TITLE_WIDTH_PX, LABEL_FONT_PX)
    ? 'weft-node-label'
    : 'weft-node-label is-clipped';
  const idClass = fitsMonospace(node.id, TITLE_WIDTH_PX, ID_FONT_PX)
    ? 'weft-node-id'
    : 'weft-node-id is-clipped';

  return (
    <div
      className={`weft-node status-${status}${selected ? ' is-selected' : ''}${problem?.severity === 'error' ? ' is-invalid' : ''}`}
      data-node-id={id}
      data-kind={node.kind}
      data-status={status}
      data-invalid={problem?.severity === 'error' ? 'true' : undefined}
    >
      {info?.hasInput !== false && (
        <Handle type="target" position={Position.Left} id="in" className="weft-handle-in" />
      )}
      <div className="weft-node-head">
        <span className="weft-node-glyph" aria-hidden="true">
          {kindGlyph[node.kind]}
        </span>
        <span className="weft-node-title">
          <span className={labelClass}>{label}</span>
          <span className={idClass}>{node.id}</span>
        </span>
        <span
          className="weft-node-status"
          title={statusText[status]}
          aria-label={statusText[status]}
        >
          {statusIcon[status]}
        </span>
      </div>
      <div className="weft-node-row">
        <div className="weft-node-body">
          {problem ? (
            <div
              className={`weft-node-problem severity-${problem.severity}`}
              title={problem.message}
            >
              {problem.message}
            </div>
          ) : errorLine ? (
            <div className="weft-node-error" title={errorLine}>
              {summary?.error?.code}: {errorLine}
            </div>
          ) : summary?.preview !== undefined ? (
            <div className="weft-node-preview" title={summary.preview}>
              {fitMonospace(summary.preview, previewWidth(outPorts, labelled), PREVIEW_FONT_PX)}
            </div>
          ) : (
            <div className="weft-node-preview is-empty">{statusText[status]}</div>
          )}
          <div className="weft-node-meta">
            <span>{summary?.port && summary.status !== 'skipped' ? `→ ${summary.port}` : ''}</span>
            <span className="weft-node-time">
              {summary && summary.status !== 'skipped' ? formatDuration(summary.durationMs) : ''}
            </span>
          </div>
        </div>
        {outPorts.length > 0 && (
          <div className={`weft-node-ports${labelled ? ' is-labelled' : ''}`}>
            {outPorts.map((port) => (
              <div key={port} className={`weft-port${summary?.port === port ? ' is-taken' : ''}`}>
                {labelled && <span className="weft-port-label">{port}</span>}
                <Handle
                  type="source"
                  position={Position.Right}
                  id={port}
                  className="weft-handle-out"
                  title={`${port} port`}
                />
              </div>
            ))}
          </div>
        )}
      </div>
      <div className={`weft-port-error${summary?.port === 'error' ? ' is-taken' : ''}`}>
        <span className="weft-port-label">error</span>
        <Handle
          type="source"
          position={Position.Bottom}
          id="error"
          className="weft-handle-error"
          title="error port: receives the error when this node fails"
        />
      </div>
    </div>
  );
}

export const WeftNode = memo(WeftNodeComponent);
