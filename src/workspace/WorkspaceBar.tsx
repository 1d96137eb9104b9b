// The top bar's workspace part: the workflow's name, the workflow list, the
// gallery, import and export, and whether the work is saved. It also hosts the
// workspace's dialogs and the recovery view, which cover the editor.
import { useRef, useState } from 'react';
import { useEditor } from '../store/editorStore.ts';
import { workspaceController } from './bootstrap.ts';
import { ExportMenu } from './ExportMenu.tsx';
import { GalleryDialog } from './GalleryDialog.tsx';
import { ImportReportDialog } from './ImportReportDialog.tsx';
import { RecoveryView } from './RecoveryView.tsx';
import { WorkflowMenu } from './WorkflowMenu.tsx';
import { useWorkspace, type SaveIndicator } from './workspaceState.ts';
import './workspace.css';

function saveLabel(save: SaveIndicator): { text: string; tone: string; title: string } {
  switch (save.state) {
    case 'saved':
      return { text: 'Saved', tone: 'ok', title: 'Every change is saved in this browser.' };
    case 'saving':
      return { text: 'Saving…', tone: 'busy', title: 'Saving your changes.' };
    case 'off':
      return { text: 'Not saved', tone: 'error', title: save.message };
    case 'error':
      return save.kind === 'quota'
        ? { text: 'Storage full', tone: 'error', title: save.message }
        : { text: 'Not saved', tone: 'error', title: save.message };
  }
}

function SaveStatus() {
  const save = useWorkspace((s) => s.save);
  const phase = useWorkspace((s) => s.phase);
  const { text, tone, title } =
    phase === 'starting'
      ? { text: 'Opening…', tone: 'busy', title: 'Opening your workspace.' }
      : phase === 'recovery'
        ? {
            text: 'Saving paused',
            tone: 'error',
            title: 'Nothing is saved until the stored work is recovered.',
          }
        : saveLabel(save);
  return (
    <span
      className={`ws-save ws-save-${tone}`}
      role="status"
      title={title}
      data-save-state={save.state}
    >
      <span className="ws-save-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function Notice() {
  const notice = useWorkspace((s) => s.notice);
  const save = useWorkspace((s) => s.save);
  // A failed save stays on screen until a save succeeds: it is the one message
  // that means work may be lost.
  const saveFailure = save.state === 'error' ? save.message : null;
  const text = saveFailure ?? notice?.text;
  if (!text) return null;
  return (
    <div
      className={`ws-notice ${saveFailure || notice?.tone === 'error' ? 'error' : ''}`}
      role="alert"
    >
      <span>{text}</span>
      {saveFailure && (
        <button
          type="button"
          className="ws-link"
          onClick={() => workspaceController()?.exportOpen()}
        >
          Export a copy
        </button>
      )}
      {!saveFailure && (
        <button
          type="button"
          className="ws-icon"
          aria-label="Dismiss"
          onClick={() => workspaceController()?.dismissNotice()}
        >
          ×
        </button>
      )}
    </div>
  );
}

export function WorkspaceBar() {
  const name = useEditor((s) => s.document.name);
  const setWorkflowMeta = useEditor((s) => s.setWorkflowMeta);
  const phase = useWorkspace((s) => s.phase);
  const [galleryOpen, setGalleryOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <div className="ws-bar">
      <span className="ws-brand" aria-hidden="true">
        Weft
      </span>
      <input
        className="ws-name"
        aria-label="Workflow name"
        value={name}
        // Until the workspace is open the editor holds a placeholder: an edit would be lost.
        disabled={phase === 'starting'}
        spellCheck={false}
        onChange={(event) => setWorkflowMeta({ name: event.target.value })}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === 'Escape') event.currentTarget.blur();
        }}
      />
      <WorkflowMenu currentName={name} disabled={phase === 'starting'} />
      <button
        type="button"
        className="ws-button"
        disabled={phase === 'starting'}
        onClick={() => setGalleryOpen(true)}
      >
        Gallery
      </button>
      <button
        type="button"
        className="ws-button"
        disabled={phase === 'starting'}
        onClick={() => fileInput.current?.click()}
      >
        Import
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        aria-label="Import a workflow file"
        className="ws-hidden"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void workspaceController()?.importFile(file);
        }}
      />
      <button
        type="button"
        className="ws-button"
        onClick={() => workspaceController()?.exportOpen()}
      >
        Export
      </button>
      <ExportMenu disabled={phase === 'starting'} />
      <SaveStatus />
      <Notice />
      {galleryOpen && <GalleryDialog onClose={() => setGalleryOpen(false)} />}
      <ImportReportDialog />
      {phase === 'recovery' && <RecoveryView />}
      {phase === 'starting' && (
        <div className="ws-starting" role="status" aria-label="Opening your workspace">
          Opening your workspace…
        </div>
      )}
    </div>
  );
}
