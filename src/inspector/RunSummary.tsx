// The preview run as a whole: its status and total time.
import { memo } from 'react';
import { useEditor } from '../store/editorStore.ts';
import type { EditorState } from '../store/types.ts';
import { formatDuration } from '../canvas/nodeVisuals.ts';

const RUN_TEXT: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  waiting: 'Waiting for approval',
};

/** Reads its own state: memoised so a keystroke's inspector render passes it by. */
export const RunSummary = memo(function RunSummary() {
  const previewState = useEditor((s) => s.previewState);
  // While the workflow does not compile, the store keeps the last run (the
  // canvas shows it, with a notice); here it says it was not run, without that run's
  // status, time or error.
  const shown = (s: EditorState) => (s.previewState === 'invalid' ? undefined : s.run);
  const status = useEditor((s) => shown(s)?.status);
  const runMs = useEditor((s) => shown(s)?.durationMs);
  const roundTripMs = useEditor((s) => s.previewMs);
  const error = useEditor((s) => shown(s)?.error);

  let text: string;
  if (previewState === 'invalid') text = 'Not run: the workflow has errors';
  else if (previewState === 'timed-out') text = 'Timed out';
  else if (status) text = RUN_TEXT[status] ?? status;
  else text = previewState === 'running' ? 'Running…' : 'Not run yet';

  return (
    <section className="run-summary" aria-label="Run">
      <h3 className="section-title">Run</h3>
      <p className="result-line">
        <span className={`status-pill status-${status ?? previewState}`}>{text}</span>
        {runMs !== undefined && (
          <span className="result-time time-value" title="Time inside the engine">
            {formatDuration(runMs)}
          </span>
        )}
        {roundTripMs !== null && (
          <span className="result-time live-muted" title="Round trip to the preview worker">
            <span className="time-value">{formatDuration(roundTripMs)}</span> round trip
          </span>
        )}
      </p>
      {error && (
        <p className="field-error">
          <strong>{error.code}</strong> {error.message}
        </p>
      )}
    </section>
  );
});
