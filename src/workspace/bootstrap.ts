// Starts the workspace: opens storage, loads the first document into the editor
// (the purchase-order sample on a first visit, what was open otherwise) and
// keeps it saved, including when the tab is hidden or closed mid-edit.
import { emptyDocument } from '../store/editorStore.ts';
import { WorkspaceRepository } from '../persistence/repository.ts';
import { WorkspaceController, type WorkspaceStore } from './controller.ts';

export type { WorkspaceStore };

let controller: WorkspaceController | null = null;
let starting: Promise<WorkspaceController> | null = null;

/** The running workspace, once `startWorkspace` has opened storage. */
export function workspaceController(): WorkspaceController | null {
  return controller;
}

export function startWorkspace(store: WorkspaceStore): Promise<WorkspaceController> {
  // Idempotent: StrictMode and hot reloads may call it twice.
  starting ??= start(store);
  return starting;
}

async function start(store: WorkspaceStore): Promise<WorkspaceController> {
  let repository: WorkspaceRepository | null = null;
  let unavailableReason: string | undefined;
  try {
    repository = await WorkspaceRepository.open();
  } catch (error) {
    unavailableReason = `Not saved: ${error instanceof Error ? error.message : String(error)}`;
  }
  const created = new WorkspaceController(store, {
    repository,
    blankDocument: emptyDocument,
    ...(unavailableReason === undefined ? {} : { unavailableReason }),
  });
  controller = created;
  listenForPageExit(created);
  await created.start();
  return created;
}

// Closing the tab fires visibilitychange (hidden) and pagehide; both write the
// pending edit at once instead of waiting out the autosave's quiet time. A save
// started there is issued synchronously (see repository.save), so it is in
// IndexedDB's hands before the page goes.
function listenForPageExit(workspace: WorkspaceController): void {
  const flush = () => {
    void workspace.flush();
  };
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  window.addEventListener('beforeunload', (event) => {
    flush();
    // Only when storage refused the last save (e.g. quota): leaving would lose it.
    if (workspace.atRisk) event.preventDefault();
  });
}
