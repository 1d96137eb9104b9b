// The workflow list: switch, create, rename, duplicate and delete workflows.
import { useDismiss } from './useDismiss.ts';
import { useCallback, useRef, useState } from 'react';
import type { WorkflowSummary } from '../persistence/repository.ts';
import { workspaceController } from './bootstrap.ts';
import { HistoryDialog } from './HistoryDialog.tsx';
import { Modal } from './Modal.tsx';
import { useWorkspace } from './workspaceState.ts';

function RenameField({ workflow, onDone }: { workflow: WorkflowSummary; onDone: () => void }) {
  const [value, setValue] = useState(workflow.name);
  const commit = () => {
    if (value.trim() !== '' && value !== workflow.name) {
      void workspaceController()?.renameWorkflow(workflow.key, value);
    }
    onDone();
  };
  return (
    <input
      className="ws-rename"
      aria-label={`New name for ${workflow.name}`}
      value={value}
      autoFocus
      onChange={(event) => setValue(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
        if (event.key === 'Escape') {
          event.stopPropagation();
          onDone();
        }
      }}
    />
  );
}

export function WorkflowMenu({
  currentName,
  disabled = false,
}: {
  currentName: string;
  disabled?: boolean;
}) {
  const workflows = useWorkspace((s) => s.workflows);
  const openKey = useWorkspace((s) => s.openKey);
  const [open, setOpen] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<WorkflowSummary | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);

  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, rootRef, close);

  const controller = workspaceController();
  const run = (action: () => Promise<void> | void) => {
    setOpen(false);
    void action();
  };

  return (
    <div className="ws-menu" ref={rootRef}>
      <button
        type="button"
        className="ws-button"
        aria-haspopup="true"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((v) => !v)}
      >
        Workflows ▾
      </button>
      {open && (
        <div className="ws-menu-panel" role="region" aria-label="Workflows">
          <ul className="ws-workflow-list">
            {workflows.map((workflow) => {
              const isOpen = workflow.key === openKey;
              const name = isOpen ? currentName : workflow.name;
              return (
                <li key={workflow.key} className={isOpen ? 'current' : undefined}>
                  {renaming === workflow.key ? (
                    <RenameField
                      workflow={{ ...workflow, name }}
                      onDone={() => setRenaming(null)}
                    />
                  ) : (
                    <button
                      type="button"
                      className="ws-workflow-name"
                      aria-current={isOpen ? 'true' : undefined}
                      onClick={() => run(() => controller?.switchTo(workflow.key))}
                    >
                      {name || 'Untitled'}
                    </button>
                  )}
                  <span className="ws-row-actions">
                    <button
                      type="button"
                      className="ws-link"
                      aria-label={`Rename ${name}`}
                      onClick={() => setRenaming(workflow.key)}
                    >
                      Rename
                    </button>
                    <button
                      type="button"
                      className="ws-link"
                      aria-label={`Duplicate ${name}`}
                      onClick={() => run(() => controller?.duplicateWorkflow(workflow.key))}
                    >
                      Duplicate
                    </button>
                    <button
                      type="button"
                      className="ws-link danger"
                      aria-label={`Delete ${name}`}
                      onClick={() => {
                        setOpen(false);
                        setDeleting({ ...workflow, name });
                      }}
                    >
                      Delete
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
          <button
            type="button"
            className="ws-button primary ws-new"
            onClick={() => run(() => controller?.createWorkflow())}
          >
            New workflow
          </button>
          <button
            type="button"
            className="ws-link ws-history-open"
            onClick={() => {
              setOpen(false);
              setHistoryOpen(true);
            }}
          >
            Version history of “{currentName || 'Untitled'}”…
          </button>
        </div>
      )}
      {historyOpen && <HistoryDialog onClose={() => setHistoryOpen(false)} />}
      {deleting && (
        <Modal title={`Delete "${deleting.name}"?`} onClose={() => setDeleting(null)}>
          <p>The workflow and its saved versions are removed from this browser.</p>
          <footer className="ws-modal-actions">
            <button type="button" className="ws-button" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="ws-button danger"
              onClick={() => {
                const key = deleting.key;
                setDeleting(null);
                void controller?.deleteWorkflow(key);
              }}
            >
              Delete
            </button>
          </footer>
        </Modal>
      )}
    </div>
  );
}
