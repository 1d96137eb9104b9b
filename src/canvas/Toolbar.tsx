import { editorStore, useEditor } from '../store/editorStore.ts';
import { canvasApi } from './canvasApi.ts';

/** Undo, redo, layout and fit: the canvas commands that have buttons as well as keys. */
export function Toolbar({ onHelp }: { onHelp: () => void }) {
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  return (
    <div className="toolbar" role="toolbar" aria-label="Canvas">
      <button
        type="button"
        className="tool-button"
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
        disabled={!canUndo}
        onClick={() => editorStore.getState().undo()}
      >
        ↶
      </button>
      <button
        type="button"
        className="tool-button"
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
        disabled={!canRedo}
        onClick={() => editorStore.getState().redo()}
      >
        ↷
      </button>
      <button
        type="button"
        className="tool-button wide"
        title="Arrange the nodes left to right"
        onClick={() => {
          void editorStore
            .getState()
            .autoLayout()
            .then(() => canvasApi.fitView());
        }}
      >
        Auto layout
      </button>
      <button
        type="button"
        className="tool-button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={onHelp}
      >
        ?
      </button>
    </div>
  );
}
