// What the last preview run did with the selected node: its status, the port
// it took, its time and error, and its input and output as JSON trees.
import { memo } from 'react';
import { formatDuration, statusIcon, statusText } from '../canvas/nodeVisuals.ts';
import type { NodeDetail, NodeSummary } from '../engine/client.ts';
import { JsonTree } from '../ui/JsonTree.tsx';

interface NodeResultViewProps {
  summary: NodeSummary | undefined;
  detail: NodeDetail | undefined;
  hasInput: boolean;
  /** Why there is no result, when there is none. */
  notRunReason: string;
  /** The result is the last run's, from before the workflow stopped compiling. */
  stale?: boolean;
}

/**
 * Memoised: the inspector re-renders on every keystroke in a field (the node
 * changed), and the result, unchanged until the reply, need not render again.
 */
export const NodeResultView = memo(function NodeResultView({
  summary,
  detail,
  hasInput,
  notRunReason,
  stale = false,
}: NodeResultViewProps) {
  const ran = summary !== undefined && summary.status !== 'skipped';
  return (
    <section className={`node-result${stale ? ' is-stale' : ''}`} aria-label="Node result">
      {/* The stale note is in the heading, not a line of its own: a line
          added above the JSON trees would move them, on the keystroke that
          breaks the expression and on the one that mends it. */}
      <h3 className="section-title">
        Last run
        {stale && summary && (
          <span
            className="stale-note"
            title="The workflow has errors, so it was not run again: this is the run before them."
          >
            {' '}
            · before the errors
          </span>
        )}
      </h3>
      {summary ? (
        <p className="result-line">
          <span className={`status-pill status-${summary.status}`}>
            {statusIcon[summary.status]} {statusText[summary.status]}
          </span>
          {ran && summary.port && (
            <span className="result-port">
              → <code>{summary.port}</code>
            </span>
          )}
          {ran && (
            <span className="result-time time-value">{formatDuration(summary.durationMs)}</span>
          )}
        </p>
      ) : (
        <p className="result-line live-muted">{notRunReason}</p>
      )}
      {summary?.status === 'skipped' && (
        <p className="field-hint">
          No edge into this node was active in this run, so it did not run.
        </p>
      )}
      {summary?.error && (
        <p className="field-error">
          <strong>{summary.error.code}</strong> {summary.error.message}
        </p>
      )}
      {ran && (
        <>
          {hasInput && (
            <details className="result-block" open>
              <summary>Input</summary>
              {detail ? <JsonTree value={detail.input} /> : <p className="live-muted">Loading…</p>}
            </details>
          )}
          <details className="result-block" open>
            <summary>Output</summary>
            {detail ? <JsonTree value={detail.output} /> : <p className="live-muted">Loading…</p>}
            {detail?.truncated && (
              <p className="field-hint">Long arrays are cut here; the run used every item.</p>
            )}
          </details>
        </>
      )}
    </section>
  );
});
