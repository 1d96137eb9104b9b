// The workspace's UI state (which workflows exist, which is open, the save
// status, the recovery and import reports). Separate from the editor store:
// none of it is document or undo state, and the bar re-renders on its own.
import { createStore, useStore } from 'zustand';
import type { Diagnostic, WorkflowDefinition } from '../engine/client.ts';
import type { SaveStatus } from '../persistence/autosave.ts';
import type { SavedVersion, UnreadableRecord, WorkflowSummary } from '../persistence/repository.ts';
import type { ShapeProblem } from '../persistence/shape.ts';

export type WorkspacePhase = 'starting' | 'ready' | 'recovery';

export type SaveIndicator = SaveStatus | { state: 'off'; message: string };

export interface RecoveryState {
  /** The workflow that could not be opened, when the problem is one workflow. */
  key: string | null;
  name: string | null;
  problem: string;
  /** The newest older version that reads, offered for restoring. */
  lastGood: SavedVersion | null;
  /** A document that reads but fails the definition schema: it may be opened as it is. */
  openable: WorkflowDefinition | null;
  unreadable: UnreadableRecord[];
  /** Whether another workflow is open behind the recovery view to go back to. */
  canGoBack: boolean;
}

export type ImportProblem = ShapeProblem | Diagnostic;

export interface ImportReport {
  fileName: string;
  state: 'checking' | 'refused' | 'has-errors';
  message: string;
  problems: ImportProblem[];
  /** Present when the file is a definition the editor can open despite its errors. */
  definition: WorkflowDefinition | null;
}

export interface Notice {
  tone: 'info' | 'error';
  text: string;
}

export interface WorkspaceUiState {
  phase: WorkspacePhase;
  workflows: WorkflowSummary[];
  openKey: string | null;
  save: SaveIndicator;
  recovery: RecoveryState | null;
  importReport: ImportReport | null;
  notice: Notice | null;
}

export function initialWorkspaceUiState(): WorkspaceUiState {
  return {
    phase: 'starting',
    workflows: [],
    openKey: null,
    save: { state: 'saved' },
    recovery: null,
    importReport: null,
    notice: null,
  };
}

export const workspaceUi = createStore<WorkspaceUiState>()(() => initialWorkspaceUiState());

/** Reads workspace UI state; pass `useShallow(...)` for object or array picks. */
export function useWorkspace<T>(selector: (state: WorkspaceUiState) => T): T {
  return useStore(workspaceUi, selector);
}
