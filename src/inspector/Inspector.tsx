// The right-hand panel: the selected node's inspector, or the workflow
// settings when nothing is selected.
import { useEditor } from '../store/editorStore.ts';
import { WorkflowSettings } from '../settings/WorkflowSettings.tsx';
import { NodeInspector } from './NodeInspector.tsx';
import { RunSummary } from './RunSummary.tsx';
import './inspector.css';

export function Inspector() {
  const selectedId = useEditor((s) =>
    s.selectedNodeIds.length === 1 ? s.selectedNodeIds[0] : undefined,
  );
  const selectedCount = useEditor((s) => s.selectedNodeIds.length);
  const exists = useEditor(
    (s) => selectedId !== undefined && s.document.nodes.some((n) => n.id === selectedId),
  );

  let body;
  if (selectedId !== undefined && exists) {
    // Keyed by id: each node's fields start fresh instead of carrying one
    // node's unsaved (invalid) JSON text over to another.
    body = <NodeInspector key={selectedId} nodeId={selectedId} />;
  } else if (selectedCount > 1) {
    body = (
      <div className="multi-selection">
        <p className="kind-description">{selectedCount} nodes selected.</p>
        <RunSummary />
      </div>
    );
  } else {
    body = <WorkflowSettings />;
  }

  return (
    <aside className="inspector" aria-label="Inspector">
      <div className="inspector-body">{body}</div>
    </aside>
  );
}
