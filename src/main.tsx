import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './App.css';
import { createWorkerElk } from './store/elkInWorker.ts';
import { editorStore } from './store/editorStore.ts';
import { setLayoutEngine } from './store/layout.ts';
import { connectPreview } from './store/previewBridge.ts';
import { startWorkspace, workspaceController } from './workspace/bootstrap.ts';

// The workspace loads the first document (the purchase-order sample on a first
// visit); the preview then follows the store, so the first run is of that
// document rather than of the placeholder the store starts with.
setLayoutEngine(createWorkerElk);
// Sub-workflow ids resolve to the user's own workflows first (then the samples).
void startWorkspace(editorStore).finally(() =>
  connectPreview(editorStore, undefined, {
    findWorkflow: async (id) => workspaceController()?.findWorkflow(id),
    // A reply renders in its own task, so it can make the keystroke's frame.
    applyReply: flushSync,
  }),
);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
