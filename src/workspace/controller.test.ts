import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import type { WorkflowDefinition } from '../engine/client.ts';
import { createEditorStore, emptyDocument, type EditorStore } from '../store/editorStore.ts';
import { PersistenceError, WorkspaceRepository } from '../persistence/repository.ts';
import { WorkspaceController, type WorkspaceChannel, type WorkspaceMessage } from './controller.ts';
import type { EngineVerdict } from './engineCheck.ts';
import { initialWorkspaceUiState, workspaceUi } from './workspaceState.ts';

function sample(): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'purchase-order',
    name: 'Purchase order approval',
    input: {
      samples: [
        { name: 'small order', data: { amount: 120 } },
        { name: 'big order', data: { amount: 9000 } },
      ],
    },
    nodes: [
      { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
      { id: 'big', kind: 'condition', config: { expression: 'amount > 1000' } },
    ],
    edges: [{ source: 'start', target: 'big' }],
  };
}

const clean: EngineVerdict = { state: 'checked', errors: [], warnings: [] };

let dbCounter = 0;
let dbName = '';
const cleanups: Array<() => void> = [];

interface Harness {
  controller: WorkspaceController;
  editor: EditorStore;
  repo: WorkspaceRepository;
  downloads: Array<{ fileName: string; text: string }>;
}

async function startSession(
  options: {
    verdict?: (d: WorkflowDefinition) => EngineVerdict;
    channel?: WorkspaceChannel;
    /** Keep the UI state of a session already running (a second tab). */
    keepUi?: boolean;
  } = {},
): Promise<Harness> {
  if (!options.keepUi) workspaceUi.setState(initialWorkspaceUiState(), true);
  const repo = await WorkspaceRepository.open({ name: dbName });
  const editor = createEditorStore();
  const downloads: Harness['downloads'] = [];
  const controller = new WorkspaceController(editor, {
    repository: repo,
    blankDocument: emptyDocument,
    fetchJson: async (url) => {
      if (url === '/samples/purchase-order.json') return sample();
      throw new Error(`unexpected fetch ${url}`);
    },
    checkDefinition: async (definition) => (options.verdict ? options.verdict(definition) : clean),
    download: (fileName, text) => downloads.push({ fileName, text }),
    channel: options.channel ?? null,
  });
  cleanups.push(() => {
    controller.dispose();
    repo.close();
  });
  await controller.start();
  return { controller, editor, repo, downloads };
}

/** Channels between tabs in one process, delivering asynchronously like BroadcastChannel. */
function channelHub(): () => WorkspaceChannel {
  const members = new Set<{ deliver: (data: unknown) => void }>();
  return () => {
    const listeners: Array<(event: { data: unknown }) => void> = [];
    const member = { deliver: (data: unknown) => listeners.forEach((l) => l({ data })) };
    members.add(member);
    return {
      postMessage(message: WorkspaceMessage) {
        for (const other of members) {
          if (other !== member) queueMicrotask(() => other.deliver(message));
        }
      },
      addEventListener(_type, listener) {
        listeners.push(listener);
      },
      close() {
        members.delete(member);
      },
    };
  };
}

function file(name: string, text: string) {
  return { name, size: text.length, text: async () => text };
}

beforeEach(() => {
  dbCounter += 1;
  dbName = `weft-controller-${dbCounter}`;
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.restoreAllMocks();
});

describe('WorkspaceController', () => {
  it('opens the purchase-order sample on a first visit and seeds the workspace with it', async () => {
    const { editor, repo } = await startSession();
    expect(editor.getState().document).toEqual(sample());
    expect(workspaceUi.getState().phase).toBe('ready');
    const snapshot = await repo.snapshot();
    expect(snapshot.workflows.map((w) => w.name)).toEqual(['Purchase order approval']);
    expect(snapshot.openKey).toBe(snapshot.workflows[0]?.key);
  });

  it('restores exactly what was open, with its preview sample, after a reload', async () => {
    const first = await startSession();
    first.editor.getState().setWorkflowMeta({ name: 'Edited' });
    first.editor.getState().setActiveSample('big order');
    await first.controller.flush();
    for (const cleanup of cleanups.splice(0)) cleanup();

    const second = await startSession();
    expect(second.editor.getState().document).toEqual({ ...sample(), name: 'Edited' });
    expect(second.editor.getState().activeSample).toBe('big order');
    expect(workspaceUi.getState().save).toEqual({ state: 'saved' });
  });

  it('switches between workflows without losing pending edits', async () => {
    const { controller, editor } = await startSession();
    const sampleKey = workspaceUi.getState().openKey!;
    await controller.createWorkflow();
    expect(editor.getState().document.name).toBe('Untitled workflow');
    editor.getState().setWorkflowMeta({ name: 'Second' });
    // No flush: switching writes the pending edit first.
    await controller.switchTo(sampleKey);
    expect(editor.getState().document.name).toBe('Purchase order approval');
    const secondKey = workspaceUi.getState().workflows.find((w) => w.name === 'Second')?.key;
    expect(secondKey).toBeDefined();
    await controller.switchTo(secondKey!);
    expect(editor.getState().document.name).toBe('Second');
  });

  it("finds a workspace workflow by its definition id for the preview's sub-workflows", async () => {
    const { controller, editor } = await startSession();
    const sampleKey = workspaceUi.getState().openKey!;
    await controller.createWorkflow();
    const blankId = editor.getState().document.id;
    // The open document answers for its own id; a stored one is read for its id.
    expect((await controller.findWorkflow(blankId))?.id).toBe(blankId);
    const stored = await controller.findWorkflow('purchase-order');
    expect(stored?.name).toBe('Purchase order approval');
    expect(await controller.findWorkflow('nobody')).toBeUndefined();

    // An edit saved in the other workflow is what the next lookup returns.
    await controller.switchTo(sampleKey);
    editor.getState().setWorkflowMeta({ name: 'Renamed order' });
    await controller.flush();
    await controller.switchTo(
      workspaceUi.getState().workflows.find((w) => w.key !== sampleKey)!.key,
    );
    expect((await controller.findWorkflow('purchase-order'))?.name).toBe('Renamed order');
  });

  it('keeps an edit made while the next workflow is being read', async () => {
    let release: () => void = () => undefined;
    const { controller, editor, repo } = await startSession();
    const sampleKey = workspaceUi.getState().openKey!;
    await controller.createWorkflow();
    const blankKey = workspaceUi.getState().openKey!;
    // The engine check of the workflow being opened takes a while…
    const check = vi
      .spyOn(
        controller as unknown as { checkDefinition: () => Promise<EngineVerdict> },
        'checkDefinition',
      )
      .mockImplementation(() => new Promise((resolve) => (release = () => resolve(clean))));
    const switching = controller.switchTo(sampleKey);
    await vi.waitFor(() => expect(check).toHaveBeenCalled());
    // …and the author keeps typing in the workflow still on screen.
    editor.getState().setWorkflowMeta({ name: 'Typed during the switch' });
    release();
    await switching;
    expect(editor.getState().document.name).toBe('Purchase order approval');
    await controller.flush();
    const blank = await repo.load(blankKey);
    expect(blank.ok && blank.definition.name).toBe('Typed during the switch');
    const opened = await repo.load(sampleKey);
    expect(opened.ok && opened.definition.name).toBe('Purchase order approval');
  });

  it('refuses a broken import and changes nothing', async () => {
    const { controller, editor, repo } = await startSession();
    const before = editor.getState().document;
    await controller.importFile(file('broken.json', '{"format": "weft/v1", "nodes": ['));
    const report = workspaceUi.getState().importReport;
    expect(report?.state).toBe('refused');
    expect(report?.message).toMatch(/not valid JSON/);
    expect(editor.getState().document).toBe(before);
    expect((await repo.list()).length).toBe(1);
  });

  it('lists the engine errors of an import with their paths, and imports it only when asked', async () => {
    const { controller, editor, repo } = await startSession({
      verdict: (d) =>
        d.id === 'loop'
          ? {
              state: 'checked',
              errors: [
                { code: 'CYCLE', message: 'a -> b -> a', path: '/edges/2', severity: 'error' },
              ],
              warnings: [],
            }
          : clean,
    });
    const loop = { ...sample(), id: 'loop', name: 'Loop' };
    await controller.importFile(file('loop.json', JSON.stringify(loop)));
    const report = workspaceUi.getState().importReport;
    expect(report?.state).toBe('has-errors');
    expect(report?.problems).toEqual([
      { code: 'CYCLE', message: 'a -> b -> a', path: '/edges/2', severity: 'error' },
    ]);
    expect((await repo.list()).length).toBe(1);

    await controller.importAnyway();
    expect(editor.getState().document).toEqual(loop);
    expect((await repo.list()).map((w) => w.name).sort()).toEqual([
      'Loop',
      'Purchase order approval',
    ]);
  });

  it('imports __proto__ keys as inert data', async () => {
    const { controller, editor } = await startSession();
    const text =
      '{"format":"weft/v1","id":"p","name":"Proto","nodes":[{"id":"start","kind":"trigger","config":{"__proto__":{"polluted":1}}}],"edges":[]}';
    await controller.importFile(file('proto.json', text));
    expect(editor.getState().document.name).toBe('Proto');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const config = editor.getState().document.nodes[0]?.config ?? {};
    expect(Object.keys(config)).toEqual(['__proto__']);
  });

  it('exports the open definition as JSON text that re-imports to the same document', async () => {
    const { controller, editor, downloads } = await startSession();
    controller.exportOpen();
    expect(downloads).toHaveLength(1);
    expect(downloads[0]?.fileName).toBe('purchase-order.json');
    const exported = downloads[0]!.text;
    await controller.importFile(file('purchase-order.json', exported));
    expect(editor.getState().document).toEqual(JSON.parse(exported));
    controller.exportOpen();
    expect(downloads[1]?.text).toBe(exported);
  });

  it('opens the recovery view for a corrupt record, writes nothing, and restores the last good version', async () => {
    const first = await startSession();
    first.editor.getState().setWorkflowMeta({ name: 'Second version' });
    await first.controller.flush();
    const key = workspaceUi.getState().openKey!;
    for (const cleanup of cleanups.splice(0)) cleanup();

    const db = await openDB(dbName);
    const record = (await db.get('workflows', key)) as { head: number };
    await db.put('versions', { vid: record.head, key, savedAt: 1, json: 'not json' });
    db.close();

    const { controller, editor, repo, downloads } = await startSession();
    expect(workspaceUi.getState().phase).toBe('recovery');
    expect(workspaceUi.getState().recovery?.problem).toMatch(/not valid JSON/);
    // The editor holds no document of the user's, and edits there are not saved over the record.
    editor.getState().setWorkflowMeta({ name: 'Blank editor' });
    await controller.flush();
    const stillBroken = await repo.load(key);
    expect(stillBroken.ok).toBe(false);

    await controller.downloadRecoveryData();
    expect(downloads[0]?.text).toContain('not json');

    await controller.restoreLastGood();
    expect(workspaceUi.getState().phase).toBe('ready');
    expect(editor.getState().document.name).toBe('Purchase order approval');
  });

  it('offers to open a document that fails the definition schema as it is', async () => {
    await startSession();
    for (const cleanup of cleanups.splice(0)) cleanup();
    const { controller, editor } = await startSession({
      verdict: () => ({
        state: 'checked',
        errors: [
          { code: 'SCHEMA_INVALID', message: 'unknown field', path: '/extra', severity: 'error' },
        ],
        warnings: [],
      }),
    });
    const recovery = workspaceUi.getState().recovery;
    expect(workspaceUi.getState().phase).toBe('recovery');
    expect(recovery?.problem).toContain('/extra unknown field');
    expect(recovery?.openable).toEqual(sample());
    controller.openAnyway();
    expect(workspaceUi.getState().phase).toBe('ready');
    expect(editor.getState().document).toEqual(sample());
  });

  it('shows a full storage quota in the save status and keeps the edit pending', async () => {
    const { controller, editor, repo } = await startSession();
    vi.spyOn(repo, 'save').mockRejectedValue(
      new PersistenceError('quota', 'Storage is full: Saving did not happen.'),
    );
    editor.getState().setWorkflowMeta({ name: 'Will not fit' });
    await controller.flush();
    expect(workspaceUi.getState().save).toEqual({
      state: 'error',
      kind: 'quota',
      message: 'Storage is full: Saving did not happen.',
    });
    expect(controller.atRisk).toBe(true);

    vi.restoreAllMocks();
    await controller.flush();
    expect(workspaceUi.getState().save).toEqual({ state: 'saved' });
    const loaded = await repo.load(workspaceUi.getState().openKey!);
    expect(loaded.ok && loaded.definition.name).toBe('Will not fit');
  });

  it('deleting the open workflow opens the next one, and the last one leaves a blank workflow', async () => {
    const { controller, editor, repo } = await startSession();
    const sampleKey = workspaceUi.getState().openKey!;
    await controller.createWorkflow();
    const blankKey = workspaceUi.getState().openKey!;
    await controller.deleteWorkflow(blankKey);
    expect(editor.getState().document.name).toBe('Purchase order approval');
    await controller.deleteWorkflow(sampleKey);
    expect(editor.getState().document).toEqual(emptyDocument());
    const workflows = await repo.list();
    expect(workflows.map((w) => w.name)).toEqual(['Untitled workflow']);
  });

  it('warns when another tab changes the open workflow', async () => {
    const join = channelHub();
    const tabA = await startSession({ channel: join() });
    // The UI state is one per page; tab B's notices are what this test reads.
    const tabB = await startSession({ channel: join(), keepUi: true });
    expect(tabB.editor.getState().document.name).toBe('Purchase order approval');

    tabA.editor.getState().setWorkflowMeta({ name: 'Edited in tab A' });
    await tabA.controller.flush();
    await vi.waitFor(() =>
      expect(workspaceUi.getState().notice?.text).toMatch(/changed in another tab/),
    );
  });

  it('reports other unreadable records after opening, leaving them untouched until discarded', async () => {
    await startSession();
    for (const cleanup of cleanups.splice(0)) cleanup();
    const db = await openDB(dbName);
    await db.put('workflows', { key: 'wf-broken', name: ['not', 'a', 'name'] });
    db.close();

    const { controller, editor, repo } = await startSession();
    const recovery = workspaceUi.getState().recovery;
    expect(workspaceUi.getState().phase).toBe('recovery');
    expect(recovery?.problem).toContain('wf-broken');
    expect(recovery?.canGoBack).toBe(true);
    // The readable workflow is open behind the recovery view.
    expect(editor.getState().document.name).toBe('Purchase order approval');

    controller.goBack();
    expect(workspaceUi.getState().phase).toBe('ready');
    expect((await repo.snapshot()).unreadable).toHaveLength(1);

    workspaceUi.setState({ phase: 'recovery', recovery });
    await controller.discardUnreadable();
    expect(workspaceUi.getState().phase).toBe('ready');
    expect((await repo.snapshot()).unreadable).toEqual([]);
    expect(editor.getState().document.name).toBe('Purchase order approval');
  });

  it('still opens the sample when storage is unavailable, and says nothing is saved', async () => {
    workspaceUi.setState(initialWorkspaceUiState(), true);
    const editor = createEditorStore();
    const controller = new WorkspaceController(editor, {
      repository: null,
      unavailableReason: 'Not saved: IndexedDB is disabled.',
      blankDocument: emptyDocument,
      fetchJson: async () => sample(),
      checkDefinition: async () => clean,
      channel: null,
    });
    cleanups.push(() => controller.dispose());
    await controller.start();
    expect(editor.getState().document).toEqual(sample());
    expect(workspaceUi.getState().save).toEqual({
      state: 'off',
      message: 'Not saved: IndexedDB is disabled.',
    });
    editor.getState().setWorkflowMeta({ name: 'Edited' });
    await controller.flush();
    expect(workspaceUi.getState().save.state).toBe('off');
  });
});
