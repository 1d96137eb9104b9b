import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './App.css';
import { createWorkerElk } from './store/elkInWorker.ts';
import { editorStore, releaseRenders } from './store/editorStore.ts';
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

// A keystroke's render held for its frame (renderHold.ts) is done before any
// further input is handled: a handler builds its change from what the page
// last rendered (a form's other fields, say), which must be the latest. These
// events come before the input changes anything, so a controlled field's value
// is not put back. Two keys in one frame are rare; otherwise nothing is held.
for (const type of ['keydown', 'pointerdown', 'beforeinput', 'paste', 'drop']) {
  window.addEventListener(type, () => releaseRenders(flushSync), { capture: true });
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
