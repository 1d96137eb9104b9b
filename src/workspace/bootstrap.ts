// Loads the first document into the editor. Minimal first version: opens the
// purchase-order sample; persistence and autosave follow.
import type { StoreApi } from 'zustand/vanilla';
import type { EditorState } from '../store/types.ts';
import type { WorkflowDefinition } from '../engine/client.ts';

export type WorkspaceStore = Pick<StoreApi<EditorState>, 'getState' | 'subscribe'>;

export async function startWorkspace(store: WorkspaceStore): Promise<void> {
  const response = await fetch('/samples/purchase-order.json');
  if (!response.ok) return;
  const definition = (await response.json()) as WorkflowDefinition;
  store.getState().loadDocument(definition);
}
