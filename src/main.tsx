import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './App.css';
import { createWorkerElk } from './store/elkInWorker.ts';
import { editorStore } from './store/editorStore.ts';
import { setLayoutEngine } from './store/layout.ts';
import { connectPreview } from './store/previewBridge.ts';
import { startWorkspace } from './workspace/bootstrap.ts';

// The preview follows the store from the start; the workspace then loads the
// first document (the purchase-order sample on a first visit).
setLayoutEngine(createWorkerElk);
connectPreview(editorStore);
void startWorkspace(editorStore);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
