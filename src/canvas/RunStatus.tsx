import { useEditor } from '../store/editorStore.ts';
import { formatDuration } from './nodeVisuals.ts';

/** The preview's state for the whole workflow: status, total time, and the sample it ran on. */
export function RunStatus() {
  // One subscription each: the store asks every subscription at each of its
  // changes, several a keystroke, and a shallow compare of a picked object
  // cost more (Object.entries of both) than five plain ones.
  const generation = useEditor((s) => s.generation);
  const previewState = useEditor((s) => s.previewState);
  const run = useEditor((s) => s.run);
  const diagnostics = useEditor((s) => s.diagnostics);
  const previewMs = useEditor((s) => s.previewMs);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  let tone: string;
  let text: string;
  let detail = '';
  if (previewState === 'invalid') {
    tone = 'failed';
    text = `Invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}`;
    detail = errors[0]?.message ?? '';
  } else if (previewState === 'timed-out') {
    tone = 'timed-out';
    text = 'Timed out';
    detail = run?.error?.message ?? '';
  } else if (!run) {
    tone = 'idle';
    text = previewState === 'running' ? 'Running…' : 'Not run yet';
  } else {
    tone = run.status;
    text =
      run.status === 'succeeded' ? 'Succeeded' : run.status === 'failed' ? 'Failed' : 'Waiting';
    if (run.error) detail = `${run.error.node ? `${run.error.node}: ` : ''}${run.error.message}`;
  }
  const total =
    run && previewState !== 'invalid' && previewState !== 'timed-out'
      ? (run.durationMs ??
        Object.values(run.nodes).reduce((sum, n) => sum + (n.durationMs || 0), 0))
      : undefined;

  return (
    <div
      className={`run-status tone-${tone}`}
      role="status"
      aria-label="Run status"
      data-preview-state={previewState}
      data-generation={generation}
      title={[
        detail,
        previewMs !== null
          ? `Edit to result: ${formatDuration(previewMs)} (worker round trip)`
          : '',
      ]
        .filter(Boolean)
        .join('\n')}
    >
      <span className="run-status-dot" aria-hidden="true" />
      <span className="run-status-text">{text}</span>
      {total !== undefined && (
        <span className="run-status-time" title="Engine time for the whole run">
          {formatDuration(total)}
        </span>
      )}
      {detail && <span className="run-status-detail">{detail}</span>}
    </div>
  );
}
