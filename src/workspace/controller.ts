// The workspace controller: the one place that moves documents between the
// editor store and IndexedDB. It opens the first document, autosaves every
// change, switches, creates, renames, duplicates, deletes, imports and exports
// workflows, and routes anything it cannot read to the recovery view.
//
// Rules it keeps, whatever the user does:
// - Nothing is written while the recovery view is up: unreadable data is only
//   replaced or removed by an explicit choice there.
// - Importing or opening a sample always adds a new workflow; nothing stored is
//   replaced by a file.
// - Before the editor switches away from a workflow, its pending edits are written.
import type { StoreApi } from 'zustand';
import type { EditorState } from '../store/types.ts';
import type { WorkflowDefinition } from '../engine/client.ts';
import { createAutosaver, type Autosaver } from '../persistence/autosave.ts';
import {
  PersistenceError,
  WorkspaceRepository,
  type LoadOutcome,
  type UnreadableRecord,
  type VersionEntry,
  type WorkflowSummary,
} from '../persistence/repository.ts';
import {
  checkDefinitionShape,
  formatBytes,
  MAX_IMPORT_BYTES,
  parseJsonText,
} from '../persistence/shape.ts';
import { checkWithEngine, type EngineVerdict } from './engineCheck.ts';
import { downloadText, fileNameFor } from './download.ts';
import {
  workspaceUi,
  type ImportProblem,
  type RecoveryState,
  type WorkspaceUiState,
} from './workspaceState.ts';

export type WorkspaceStore = Pick<StoreApi<EditorState>, 'getState' | 'subscribe'>;

export interface GalleryEntry {
  id: string;
  name: string;
  description: string;
  file: string;
}

export const FIRST_SAMPLE_URL = '/samples/purchase-order.json';
const GALLERY_URL = '/samples/index.json';

/** What tabs tell each other about the workspace (BroadcastChannel-shaped). */
export interface WorkspaceChannel {
  postMessage(message: WorkspaceMessage): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface WorkspaceMessage {
  type: 'saved' | 'changed' | 'deleted';
  key: string;
  tab: string;
}

function defaultChannel(): WorkspaceChannel | null {
  return typeof BroadcastChannel === 'undefined'
    ? null
    : (new BroadcastChannel('weft-workspace') as unknown as WorkspaceChannel);
}

export interface ControllerOptions {
  /** Storage; null runs the editor without persistence (storage unavailable). */
  repository: WorkspaceRepository | null;
  /** Why there is no repository, for the save indicator. */
  unavailableReason?: string;
  /** A blank document for "New workflow" and for an empty workspace. */
  blankDocument: () => WorkflowDefinition;
  fetchJson?: (url: string) => Promise<unknown>;
  checkDefinition?: (definition: WorkflowDefinition) => Promise<EngineVerdict>;
  download?: (fileName: string, text: string) => void;
  /** Talks to other tabs of the app; null for none. */
  channel?: WorkspaceChannel | null;
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const parsed = parseJsonText(await response.text());
  if (!parsed.ok) throw new Error(`${url}: ${parsed.message}`);
  return parsed.value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function uniqueName(base: string, taken: readonly WorkflowSummary[]): string {
  const names = new Set(taken.map((w) => w.name));
  if (!names.has(base)) return base;
  let n = 2;
  while (names.has(`${base} ${n}`)) n += 1;
  return `${base} ${n}`;
}

export class WorkspaceController {
  private readonly editor: WorkspaceStore;
  private readonly repo: WorkspaceRepository | null;
  private readonly options: ControllerOptions;
  private readonly fetchJson: (url: string) => Promise<unknown>;
  private readonly checkDefinition: (definition: WorkflowDefinition) => Promise<EngineVerdict>;
  private readonly download: (fileName: string, text: string) => void;
  private readonly autosaver: Autosaver;
  /** The workflow the editor shows, and that autosave writes to. */
  private openKey: string | null = null;
  /** True while the controller itself changes the editor (loading), so that is not saved as an edit. */
  private loading = false;
  private unsubscribe: (() => void) | null = null;
  private readonly channel: WorkspaceChannel | null;
  private readonly tab = Math.random().toString(36).slice(2);

  constructor(editor: WorkspaceStore, options: ControllerOptions) {
    this.editor = editor;
    this.repo = options.repository;
    this.options = options;
    this.fetchJson = options.fetchJson ?? defaultFetchJson;
    this.checkDefinition = options.checkDefinition ?? checkWithEngine;
    this.download = options.download ?? downloadText;
    this.channel = options.channel === undefined ? defaultChannel() : options.channel;
    this.channel?.addEventListener('message', (event) => this.onTabMessage(event.data));
    this.autosaver = createAutosaver({
      write: () => this.writeOpen(),
      onStatus: (save) => this.setUi({ save }),
    });
  }

  private setUi(patch: Partial<WorkspaceUiState>): void {
    workspaceUi.setState(patch);
  }

  private get ui(): WorkspaceUiState {
    return workspaceUi.getState();
  }

  // ---------------------------------------------------------------- start

  /** Opens what was open last time, or the first-visit sample; then autosaves. */
  async start(): Promise<void> {
    this.unsubscribe = this.editor.subscribe((state, previous) => {
      if (this.loading || this.ui.phase !== 'ready' || this.openKey === null) return;
      if (state.document !== previous.document || state.activeSample !== previous.activeSample) {
        this.autosaver.schedule();
      }
    });
    if (!this.repo) {
      this.setUi({
        save: {
          state: 'off',
          message:
            this.options.unavailableReason ?? 'Storage is unavailable: changes are not saved.',
        },
      });
      await this.openFirstVisitDocument();
      return;
    }
    let snapshot;
    try {
      snapshot = await this.repo.snapshot();
    } catch (error) {
      await this.enterRecovery({
        key: null,
        name: null,
        problem: `The stored workspace cannot be read: ${describe(error)}`,
        lastGood: null,
        openable: null,
        unreadable: [],
        canGoBack: false,
      });
      return;
    }
    this.setUi({ workflows: snapshot.workflows });
    if (snapshot.workflows.length === 0 && snapshot.unreadable.length === 0) {
      await this.openFirstVisitDocument();
      return;
    }
    const key = snapshot.openKey ?? snapshot.workflows[0]?.key ?? null;
    if (key === null) {
      await this.enterRecovery({
        key: null,
        name: null,
        problem: 'No stored workflow can be read.',
        lastGood: null,
        openable: null,
        unreadable: snapshot.unreadable,
        canGoBack: false,
      });
      return;
    }
    const opened = await this.openStored(key, {
      canGoBack: false,
      unreadable: snapshot.unreadable,
    });
    if (opened && snapshot.unreadable.length > 0) {
      // The open workflow is fine, but other stored data is not: say so before
      // anything else happens, with the editor one click away.
      await this.enterRecovery({
        key: null,
        name: null,
        problem: `${snapshot.unreadable.length} stored record(s) cannot be read (${snapshot.unreadable
          .map((u) => `${u.store} ${u.key}: ${u.problem}`)
          .join('; ')}). They have been left untouched.`,
        lastGood: null,
        openable: null,
        unreadable: snapshot.unreadable,
        canGoBack: true,
      });
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    this.channel?.close();
    this.autosaver.dispose();
  }

  /** First visit (or no storage): the purchase-order sample, seeded into the workspace. */
  private async openFirstVisitDocument(): Promise<void> {
    let definition: WorkflowDefinition;
    try {
      const value = await this.fetchJson(FIRST_SAMPLE_URL);
      definition =
        checkDefinitionShape(value).length === 0
          ? (value as WorkflowDefinition)
          : this.options.blankDocument();
    } catch {
      definition = this.options.blankDocument();
    }
    await this.addAndOpen(definition, null);
  }

  // ---------------------------------------------------------------- saving

  /** Writes the open document. Issues its storage requests synchronously (see autosave.ts). */
  private writeOpen(): Promise<void> {
    const key = this.openKey;
    if (!this.repo || key === null || this.ui.phase !== 'ready') return Promise.resolve();
    const { document, activeSample } = this.editor.getState();
    return this.repo.save(key, document, { activeSample }).then((summary) => {
      this.replaceSummary(summary);
      this.tell('saved', key);
    });
  }

  private replaceSummary(summary: WorkflowSummary): void {
    const workflows = this.ui.workflows.filter((w) => w.key !== summary.key);
    this.setUi({ workflows: [summary, ...workflows] });
  }

  /** Writes pending edits now (page hiding, before switching). */
  flush(): Promise<void> {
    return this.autosaver.flush();
  }

  /** Whether leaving now could lose an edit: the last save failed. */
  get atRisk(): boolean {
    return this.ui.save.state === 'error';
  }

  // ---------------------------------------------------------------- opening

  /**
   * Makes `key` the open workflow with `definition` in the editor. Edits made
   * to the previous workflow while this one was being read are written first:
   * the flush issues its write synchronously, against the previous key.
   */
  private showInEditor(
    key: string | null,
    definition: WorkflowDefinition,
    activeSample: string | null,
  ): void {
    void this.autosaver.flush();
    this.openKey = key;
    this.loadIntoEditor(definition, activeSample);
  }

  private loadIntoEditor(definition: WorkflowDefinition, activeSample: string | null): void {
    this.loading = true;
    try {
      const editor = this.editor.getState();
      editor.loadDocument(definition);
      const samples = definition.input?.samples ?? [];
      if (activeSample !== null && samples.some((s) => s.name === activeSample)) {
        this.editor.getState().setActiveSample(activeSample);
      }
    } finally {
      this.loading = false;
    }
  }

  /** Creates a workflow from a definition and opens it. */
  private async addAndOpen(
    definition: WorkflowDefinition,
    activeSample: string | null,
  ): Promise<void> {
    await this.autosaver.flush();
    let key: string | null = null;
    if (this.repo) {
      try {
        const summary = await this.repo.create(definition, { activeSample });
        this.tell('changed', summary.key);
        key = summary.key;
        this.setUi({ workflows: [summary, ...this.ui.workflows] });
      } catch (error) {
        this.reportError(error);
      }
    }
    this.showInEditor(key, definition, activeSample);
    this.setUi({ phase: 'ready', openKey: key, recovery: null });
  }

  /** Opens a stored workflow, or the recovery view when it cannot be read. Returns whether it opened. */
  private async openStored(
    key: string,
    context: { canGoBack: boolean; unreadable?: UnreadableRecord[] },
  ): Promise<boolean> {
    const unreadable = context.unreadable ?? [];
    if (!this.repo) return false;
    let loaded: LoadOutcome;
    try {
      loaded = await this.repo.load(key);
    } catch (error) {
      loaded = { ok: false, key, problem: describe(error), lastGood: null };
    }
    if (!loaded.ok) {
      const name = this.ui.workflows.find((w) => w.key === key)?.name ?? null;
      await this.enterRecovery({
        key,
        name,
        problem: `The workflow${name ? ` "${name}"` : ''} cannot be read: ${loaded.problem}.`,
        lastGood: loaded.lastGood,
        openable: null,
        unreadable,
        canGoBack: context.canGoBack,
      });
      return false;
    }
    const verdict = await this.checkDefinition(loaded.definition);
    const schemaErrors =
      verdict.state === 'checked' ? verdict.errors.filter((d) => d.code === 'SCHEMA_INVALID') : [];
    const first = schemaErrors[0];
    if (first) {
      await this.enterRecovery({
        key,
        name: loaded.workflow.name,
        problem: `The workflow "${loaded.workflow.name}" does not match the definition schema: ${first.path || '/'} ${first.message}`,
        lastGood: null,
        openable: loaded.definition,
        unreadable,
        canGoBack: context.canGoBack,
      });
      return false;
    }
    this.showInEditor(key, loaded.definition, loaded.workflow.activeSample);
    this.setUi({ phase: 'ready', openKey: key, recovery: null });
    void this.repo.setOpen(key).catch((error: unknown) => this.reportError(error));
    return true;
  }

  private async enterRecovery(recovery: RecoveryState): Promise<void> {
    this.setUi({ phase: 'recovery', recovery });
  }

  private reportError(error: unknown): void {
    if (error instanceof PersistenceError && error.kind === 'quota') {
      this.setUi({ save: { state: 'error', kind: 'quota', message: error.message } });
    }
    this.setUi({ notice: { tone: 'error', text: describe(error) } });
  }

  private tell(type: WorkspaceMessage['type'], key: string): void {
    try {
      this.channel?.postMessage({ type, key, tab: this.tab });
    } catch {
      // Another tab learning late is harmless; the save itself succeeded.
    }
  }

  /**
   * Another tab changed the workspace: refresh the list, and warn when it
   * changed the workflow open here, since the next save here replaces it (its
   * version stays in the history).
   */
  private onTabMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const { type, key, tab } = data as Partial<WorkspaceMessage>;
    if (tab === this.tab || typeof key !== 'string' || !this.repo) return;
    void this.repo.list().then(
      (workflows) => this.setUi({ workflows }),
      () => undefined,
    );
    if (key !== this.openKey || this.ui.phase !== 'ready') return;
    const name = this.editor.getState().document.name;
    if (type === 'saved') {
      this.setUi({
        notice: {
          tone: 'error',
          text: `"${name}" was also changed in another tab. Your next edit here saves over it; reload this tab to see the other version.`,
        },
      });
    } else if (type === 'deleted') {
      this.setUi({
        notice: {
          tone: 'error',
          text: `"${name}" was deleted in another tab. It stays open here, and your next edit saves it again.`,
        },
      });
    }
  }

  dismissNotice(): void {
    this.setUi({ notice: null });
  }

  // ---------------------------------------------------------------- workflow list

  async switchTo(key: string): Promise<void> {
    if (key === this.openKey && this.ui.phase === 'ready') return;
    await this.autosaver.flush();
    await this.openStored(key, { canGoBack: this.ui.phase === 'ready' && this.openKey !== null });
  }

  async createWorkflow(): Promise<void> {
    const blank = this.options.blankDocument();
    const definition: WorkflowDefinition = {
      ...blank,
      name: uniqueName(blank.name, this.ui.workflows),
    };
    await this.addAndOpen(definition, null);
  }

  async renameWorkflow(key: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (trimmed === '') return;
    if (key === this.openKey) {
      // The open workflow's name is document state: undoable, autosaved.
      this.editor.getState().setWorkflowMeta({ name: trimmed });
      return;
    }
    if (!this.repo) return;
    try {
      this.replaceSummary(await this.repo.rename(key, trimmed));
      this.tell('saved', key);
    } catch (error) {
      this.reportError(error);
    }
  }

  async duplicateWorkflow(key: string): Promise<void> {
    if (!this.repo) return;
    try {
      await this.autosaver.flush();
      const copy = await this.repo.duplicate(key);
      this.tell('changed', copy.key);
      this.setUi({ workflows: [copy, ...this.ui.workflows] });
      await this.switchTo(copy.key);
    } catch (error) {
      this.reportError(error);
    }
  }

  async deleteWorkflow(key: string): Promise<void> {
    if (!this.repo) return;
    const wasOpen = key === this.openKey;
    // A pending autosave must not write the deleted workflow back: with no open
    // key it writes nothing; one already issued lands before the delete.
    if (wasOpen) this.openKey = null;
    try {
      await this.repo.delete(key);
      this.tell('deleted', key);
    } catch (error) {
      if (wasOpen) this.openKey = key;
      this.reportError(error);
      return;
    }
    const workflows = this.ui.workflows.filter((w) => w.key !== key);
    this.setUi({ workflows });
    if (!wasOpen) return;
    const next = workflows[0];
    if (next) {
      await this.openStored(next.key, { canGoBack: false });
    } else {
      await this.addAndOpen(this.options.blankDocument(), null);
    }
  }

  /** The open workflow's saved versions, newest (current) first. */
  async loadHistory(): Promise<VersionEntry[]> {
    if (!this.repo || this.openKey === null) return [];
    await this.autosaver.flush();
    return this.repo.history(this.openKey);
  }

  /**
   * Brings back an earlier version as the open document. It is saved as the
   * newest version, so the one it replaces stays in the history.
   */
  restoreVersion(definition: WorkflowDefinition): void {
    if (this.ui.phase !== 'ready') return;
    this.editor.getState().loadDocument(definition);
  }

  // ---------------------------------------------------------------- sub-workflows

  /** Stored workflows read for findWorkflow, by key, kept while unchanged. */
  private readonly byKey = new Map<string, { updatedAt: number; definition: WorkflowDefinition }>();

  /**
   * The workspace's workflow whose definition id is `id` (the preview runs it
   * as a sub-workflow): the open document if it has that id, else the most
   * recently changed stored one. Undefined when there is none.
   */
  async findWorkflow(id: string): Promise<WorkflowDefinition | undefined> {
    const { document } = this.editor.getState();
    if (document.id === id) return document;
    if (!this.repo) return undefined;
    const others = this.ui.workflows
      .filter((w) => w.key !== this.openKey)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    for (const summary of others) {
      let known = this.byKey.get(summary.key);
      if (!known || known.updatedAt !== summary.updatedAt) {
        let loaded: LoadOutcome;
        try {
          loaded = await this.repo.load(summary.key);
        } catch {
          continue;
        }
        if (!loaded.ok) continue;
        known = { updatedAt: summary.updatedAt, definition: loaded.definition };
        this.byKey.set(summary.key, known);
      }
      if (known.definition.id === id) return known.definition;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- files

  exportOpen(): void {
    const { document } = this.editor.getState();
    this.download(
      fileNameFor(document.id || document.name),
      `${JSON.stringify(document, null, 2)}\n`,
    );
  }

  /** Reads, checks and (when it is sound) opens a definition file as a new workflow. */
  async importFile(file: { name: string; size: number; text(): Promise<string> }): Promise<void> {
    const fileName = file.name;
    const refuse = (message: string, problems: ImportProblem[] = []) =>
      this.setUi({
        importReport: { fileName, state: 'refused', message, problems, definition: null },
      });
    if (file.size > MAX_IMPORT_BYTES) {
      refuse(
        `The file is too large (${formatBytes(file.size)}); the limit is ${formatBytes(MAX_IMPORT_BYTES)}.`,
      );
      return;
    }
    this.setUi({
      importReport: {
        fileName,
        state: 'checking',
        message: 'Checking the file…',
        problems: [],
        definition: null,
      },
    });
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      refuse(`The file cannot be read: ${describe(error)}`);
      return;
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      refuse(parsed.message);
      return;
    }
    const shapeProblems = checkDefinitionShape(parsed.value);
    if (shapeProblems.length > 0) {
      refuse('The file is not a Weft workflow definition.', shapeProblems);
      return;
    }
    const definition = parsed.value as WorkflowDefinition;
    const verdict = await this.checkDefinition(definition);
    if (verdict.state === 'checked' && verdict.errors.length > 0) {
      const schemaBroken = verdict.errors.some((d) => d.code === 'SCHEMA_INVALID');
      this.setUi({
        importReport: {
          fileName,
          state: schemaBroken ? 'refused' : 'has-errors',
          message: schemaBroken
            ? 'The file does not match the workflow definition schema.'
            : 'The workflow has errors. You can import it anyway and fix them in the editor.',
          problems: verdict.errors,
          definition: schemaBroken ? null : definition,
        },
      });
      return;
    }
    await this.completeImport(definition, verdict.state === 'unchecked' ? verdict.reason : null);
  }

  /** Imports the definition the import report holds (the user chose "Import anyway"). */
  async importAnyway(): Promise<void> {
    const report = this.ui.importReport;
    if (!report?.definition) return;
    await this.completeImport(report.definition, null);
  }

  /** Opens the definition exactly as the file had it, so export and re-import round-trip. */
  private async completeImport(
    definition: WorkflowDefinition,
    caveat: string | null,
  ): Promise<void> {
    const { name } = definition;
    await this.addAndOpen(definition, null);
    this.setUi({
      importReport: null,
      notice: {
        tone: caveat ? 'error' : 'info',
        text: caveat
          ? `Imported "${name}" as a new workflow, but it could not be checked: ${caveat}.`
          : `Imported "${name}" as a new workflow.`,
      },
    });
  }

  closeImportReport(): void {
    this.setUi({ importReport: null });
  }

  async loadGallery(): Promise<GalleryEntry[]> {
    const value = await this.fetchJson(GALLERY_URL);
    if (!Array.isArray(value)) throw new Error('The sample list is not a list.');
    return value.filter(
      (entry: unknown): entry is GalleryEntry =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as GalleryEntry).id === 'string' &&
        typeof (entry as GalleryEntry).name === 'string' &&
        typeof (entry as GalleryEntry).file === 'string',
    );
  }

  /** Opens a gallery sample as a new workflow. */
  async openSample(entry: GalleryEntry): Promise<void> {
    if (!/^[A-Za-z0-9_.-]+\.json$/.test(entry.file))
      throw new Error('Unexpected sample file name.');
    const value = await this.fetchJson(`/samples/${entry.file}`);
    const problems = checkDefinitionShape(value);
    if (problems.length > 0)
      throw new Error(`The sample "${entry.name}" is not a workflow definition.`);
    await this.addAndOpen(value as WorkflowDefinition, null);
  }

  // ---------------------------------------------------------------- recovery

  async downloadRecoveryData(): Promise<void> {
    const recovery = this.ui.recovery;
    let text: string;
    try {
      text = this.repo ? await this.repo.rawDump() : '{}';
    } catch (error) {
      text = JSON.stringify({ error: describe(error) });
    }
    const base = recovery?.name ? `${recovery.name}-recovery` : 'weft-workspace-recovery';
    this.download(fileNameFor(base), text);
  }

  async restoreLastGood(): Promise<void> {
    const recovery = this.ui.recovery;
    if (!this.repo || !recovery?.key || !recovery.lastGood) return;
    try {
      await this.repo.restore(recovery.key, recovery.lastGood);
      this.setUi({ workflows: await this.repo.list() });
    } catch (error) {
      this.reportError(error);
      return;
    }
    await this.openStored(recovery.key, { canGoBack: recovery.canGoBack });
  }

  /** Opens a document that reads but fails the schema, as it is (nothing is rewritten until it is edited). */
  openAnyway(): void {
    const recovery = this.ui.recovery;
    if (!recovery?.key || !recovery.openable) return;
    const summary = this.ui.workflows.find((w) => w.key === recovery.key);
    this.showInEditor(recovery.key, recovery.openable, summary?.activeSample ?? null);
    this.setUi({ phase: 'ready', openKey: recovery.key, recovery: null });
  }

  /** Leaves the recovery view for the workflow that was open before (switching only). */
  goBack(): void {
    if (!this.ui.recovery?.canGoBack || this.openKey === null) return;
    this.setUi({ phase: 'ready', recovery: null });
  }

  /** Removes the unreadable data (after the user was offered the download) and carries on. */
  async discardUnreadable(): Promise<void> {
    const recovery = this.ui.recovery;
    if (!this.repo || !recovery) return;
    try {
      await this.repo.discard(recovery.unreadable, recovery.key ? [recovery.key] : []);
      const snapshot = await this.repo.snapshot();
      this.setUi({ workflows: snapshot.workflows, recovery: null });
      if (recovery.canGoBack && this.openKey !== null && this.openKey !== recovery.key) {
        this.setUi({ phase: 'ready' });
        return;
      }
      const next = snapshot.workflows[0];
      if (next) {
        await this.openStored(next.key, { canGoBack: false });
      } else {
        await this.openFirstVisitDocument();
      }
    } catch (error) {
      this.reportError(error);
    }
  }
}
