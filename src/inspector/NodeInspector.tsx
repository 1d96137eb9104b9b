// The inspector for one selected node: what it is, its label, its config form,
// and what the last preview run did with it.
import { useCallback, useId, useMemo, type ChangeEvent } from 'react';
import { kindGlyph } from '../canvas/nodeVisuals.ts';
import { nodeKindInfo } from '../engine/client.ts';
import { useEditor } from '../store/editorStore.ts';
import { selectNode } from '../store/selectors.ts';
import { configFields } from './configFields.ts';
import { ConfigForm } from './ConfigForm.tsx';
import type { NodeView } from './liveValue.ts';
import { nodeLevelDiagnostics } from './nodeDiagnostics.ts';
import { NodeResultView } from './NodeResultView.tsx';
import { RunSummary } from './RunSummary.tsx';
import { upstreamOf } from './upstream.ts';

function DecisionField({ nodeId }: { nodeId: string }) {
  const id = useId();
  const decision = useEditor((s) => s.decisions[nodeId] ?? 'approved');
  const setDecision = useEditor((s) => s.setDecision);
  return (
    <div className="field">
      <label htmlFor={id}>Decision</label>
      <p className="field-hint" id={`${id}-hint`}>
        The answer the preview assumes. It is not saved in the workflow.
      </p>
      <select
        id={id}
        value={decision}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setDecision(nodeId, e.target.value === 'rejected' ? 'rejected' : null)}
      >
        <option value="approved">Approved</option>
        <option value="rejected">Rejected</option>
      </select>
    </div>
  );
}

export function NodeInspector({ nodeId }: { nodeId: string }) {
  const labelId = useId();
  const node = useEditor(selectNode(nodeId));
  const nodeIndex = useEditor((s) => (node ? s.document.nodes.indexOf(node) : -1));
  const edges = useEditor((s) => s.document.edges);
  const diagnostics = useEditor((s) => s.diagnostics);
  const previewState = useEditor((s) => s.previewState);
  const summary = useEditor((s) => s.nodeSummaries.get(nodeId));
  const detail = useEditor((s) => s.nodeDetails[nodeId]);
  const updateNodeLabel = useEditor((s) => s.updateNodeLabel);
  const updateNodeConfig = useEditor((s) => s.updateNodeConfig);

  // The same handler on every render: a new one makes React update the label's
  // <input> on each keystroke and reply (it re-sets its type and name, which
  // restyles it), though nothing about it changed.
  const onLabelChange = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => updateNodeLabel(nodeId, event.target.value),
    [nodeId, updateNodeLabel],
  );

  const info = node ? nodeKindInfo(node.kind) : undefined;
  const fields = useMemo(() => (info ? configFields(info) : []), [info]);
  // Recomputed only when the edges change, not on every keystroke in a field.
  const upstreamIds = useMemo(() => upstreamOf(edges, nodeId), [edges, nodeId]);
  // While the workflow does not compile, the last run's result is still shown
  // below (stale), but a field's live value says it was not run: its text is
  // not what ran.
  const stale = previewState === 'invalid';
  const view: NodeView | undefined =
    summary && !stale ? { summary, ...(detail ? { detail } : {}) } : undefined;
  const nodeProblems = useMemo(
    () =>
      nodeLevelDiagnostics(
        diagnostics,
        nodeIndex,
        nodeId,
        fields.map((f) => f.key),
      ),
    [diagnostics, nodeIndex, nodeId, fields],
  );

  if (!node || !info) return null;
  const notRunReason =
    previewState === 'invalid' ? 'Not run: the workflow has errors' : 'Not run yet';

  return (
    <div className="node-inspector">
      <header className="inspector-header">
        <span className={`kind-chip kind-${node.kind}`}>
          <span aria-hidden="true">{kindGlyph[node.kind]}</span> {info.label}
        </span>
        <code className="node-id" title="Node id">
          {node.id}
        </code>
      </header>
      <p className="kind-description">{info.description}</p>

      <div className="field">
        <label htmlFor={labelId}>Label</label>
        <input
          id={labelId}
          type="text"
          value={node.label ?? ''}
          placeholder={info.label}
          onChange={onLabelChange}
        />
      </div>

      {node.kind === 'trigger' && (
        <p className="field-hint">
          Its output is the workflow input: the preview sample. Click an empty spot of the canvas to
          edit the input schema and the samples.
        </p>
      )}
      {node.kind === 'approval' && <DecisionField nodeId={node.id} />}

      <ConfigForm
        node={node}
        nodeIndex={nodeIndex}
        info={info}
        fields={fields}
        diagnostics={diagnostics}
        upstreamIds={upstreamIds}
        view={view}
        notRunReason={notRunReason}
        onChange={(config) => updateNodeConfig(node.id, config)}
      />

      {nodeProblems.length > 0 && (
        <ul className="node-problems" aria-label="Problems">
          {nodeProblems.map((d) => (
            <li
              key={`${d.code}:${d.path}:${d.message}`}
              className={d.severity === 'warning' ? 'is-warning' : 'is-error'}
            >
              {d.message}
            </li>
          ))}
        </ul>
      )}

      <NodeResultView
        summary={summary}
        detail={detail}
        hasInput={info.hasInput}
        notRunReason={notRunReason}
        stale={stale}
      />
      <RunSummary />
    </div>
  );
}
