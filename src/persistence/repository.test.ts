import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import type { WorkflowDefinition } from '../engine/client.ts';
import {
  OLDER_VERSION_SPACING_MS,
  OLDER_VERSIONS,
  partitionVersions,
  PersistenceError,
  RECENT_VERSIONS,
  WorkspaceRepository,
} from './repository.ts';

let counter = 0;
const opened: WorkspaceRepository[] = [];

async function freshRepository(): Promise<{ repo: WorkspaceRepository; name: string }> {
  counter += 1;
  const name = `weft-test-${counter}`;
  let clock = 1_000;
  const repo = await WorkspaceRepository.open({ name, now: () => (clock += 1) });
  opened.push(repo);
  return { repo, name };
}

async function reopen(name: string): Promise<{ repo: WorkspaceRepository }> {
  const repo = await WorkspaceRepository.open({ name, now: () => 5_000 });
  opened.push(repo);
  return { repo };
}

function definition(name: string, extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'wf',
    name,
    nodes: [{ id: 'start', kind: 'trigger', position: { x: 0, y: 0 } }],
    edges: [],
    ...extra,
  };
}

afterEach(() => {
  for (const repo of opened.splice(0)) repo.close();
  vi.restoreAllMocks();
});

describe('WorkspaceRepository', () => {
  it('starts empty, then lists created workflows with the last created open', async () => {
    const { repo } = await freshRepository();
    expect(await repo.snapshot()).toEqual({ workflows: [], unreadable: [], openKey: null });

    const a = await repo.create(definition('Alpha'));
    const b = await repo.create(definition('Beta'), { activeSample: 'small order' });
    const snapshot = await repo.snapshot();
    expect(snapshot.workflows.map((w) => w.name)).toEqual(['Beta', 'Alpha']);
    expect(snapshot.openKey).toBe(b.key);
    expect(snapshot.unreadable).toEqual([]);
    expect(a.key).not.toBe(b.key);
  });

  it('saves and loads a definition exactly, with the active sample', async () => {
    const { repo } = await freshRepository();
    const created = await repo.create(definition('Alpha'));
    const edited = definition('Alpha', {
      description: 'two nodes',
      nodes: [
        { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
        { id: 'calc', kind: 'transform', config: { expression: 'amount * 2' } },
      ],
      edges: [{ source: 'start', target: 'calc' }],
    });
    await repo.save(created.key, edited, { activeSample: 'big order' });

    const loaded = await repo.load(created.key);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.definition).toEqual(edited);
    expect(loaded.workflow.activeSample).toBe('big order');
  });

  it('keeps __proto__ keys as plain data through a save and load', async () => {
    const { repo } = await freshRepository();
    const hostile = JSON.parse(
      '{"format":"weft/v1","id":"x","name":"Hostile","nodes":[{"id":"start","kind":"trigger","config":{"__proto__":{"polluted":true}}}],"edges":[]}',
    ) as WorkflowDefinition;
    const created = await repo.create(hostile);
    const loaded = await repo.load(created.key);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const config = loaded.definition.nodes[0]?.config ?? {};
    expect(Object.prototype.hasOwnProperty.call(config, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the previous versions and bounds the history', async () => {
    const { repo, name } = await freshRepository();
    const created = await repo.create(definition('v0'));
    for (let i = 1; i <= RECENT_VERSIONS + 5; i += 1) {
      await repo.save(created.key, definition(`v${i}`));
    }
    const db = await openDB(name);
    const versions = (await db.getAll('versions')) as Array<{ key: string; json: string }>;
    db.close();
    const names = versions.map((v) => (JSON.parse(v.json) as WorkflowDefinition).name);
    expect(names).toHaveLength(RECENT_VERSIONS);
    expect(names.at(-1)).toBe(`v${RECENT_VERSIONS + 5}`);
    expect(names.at(-2)).toBe(`v${RECENT_VERSIONS + 4}`);
  });

  it('renames and duplicates without touching the original document', async () => {
    const { repo } = await freshRepository();
    const created = await repo.create(definition('Alpha', { description: 'keep me' }));
    await repo.rename(created.key, 'Renamed');
    const copy = await repo.duplicate(created.key);

    const original = await repo.load(created.key);
    const duplicate = await repo.load(copy.key);
    expect(original.ok && original.definition.name).toBe('Renamed');
    expect(original.ok && original.definition.description).toBe('keep me');
    expect(duplicate.ok && duplicate.definition.name).toBe('Renamed (copy)');
    expect(duplicate.ok && duplicate.definition.description).toBe('keep me');
    // Duplicating does not switch to the copy.
    expect((await repo.snapshot()).openKey).toBe(created.key);
  });

  it('deletes a workflow with all its versions and forgets it was open', async () => {
    const { repo, name } = await freshRepository();
    const keep = await repo.create(definition('Keep'));
    const gone = await repo.create(definition('Gone'));
    await repo.save(gone.key, definition('Gone 2'));
    await repo.delete(gone.key);

    const snapshot = await repo.snapshot();
    expect(snapshot.workflows.map((w) => w.key)).toEqual([keep.key]);
    expect(snapshot.openKey).toBeNull();
    const db = await openDB(name);
    const versions = (await db.getAll('versions')) as Array<{ key: string }>;
    db.close();
    expect(versions.every((v) => v.key === keep.key)).toBe(true);
  });

  it('writes back a workflow deleted elsewhere while it was open', async () => {
    const { repo } = await freshRepository();
    const created = await repo.create(definition('Alpha'));
    await repo.delete(created.key);
    await repo.save(created.key, definition('Still here'));
    const loaded = await repo.load(created.key);
    expect(loaded.ok && loaded.definition.name).toBe('Still here');
  });

  it('reports a corrupt current version with the last good one, and never saves over it', async () => {
    const { repo, name } = await freshRepository();
    const created = await repo.create(definition('Good'));
    await repo.save(created.key, definition('Good 2'));
    // Corrupt the head version the way a crash or a bug elsewhere might.
    const db = await openDB(name);
    const record = (await db.get('workflows', created.key)) as { head: number };
    await db.put('versions', {
      vid: record.head,
      key: created.key,
      savedAt: 1,
      json: '{"format": "we',
    });
    db.close();

    const loaded = await repo.load(created.key);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problem).toMatch(/not valid JSON/);
    expect(loaded.lastGood?.definition.name).toBe('Good');

    const dump = await repo.rawDump();
    expect(dump).toContain('{\\"format\\": \\"we');

    await repo.restore(created.key, loaded.lastGood!);
    const restored = await repo.load(created.key);
    expect(restored.ok && restored.definition.name).toBe('Good');
    // The corrupt version stays in the history (still in the dump).
    expect(await repo.rawDump()).toContain('{\\"format\\": \\"we');
  });

  it('reports documents of the wrong shape as unreadable', async () => {
    const { repo, name } = await freshRepository();
    const created = await repo.create(definition('Good'));
    const db = await openDB(name);
    const record = (await db.get('workflows', created.key)) as { head: number };
    await db.put('versions', {
      vid: record.head,
      key: created.key,
      savedAt: 1,
      json: JSON.stringify({ format: 'weft/v1', id: 'x', name: 'x', nodes: 'many', edges: [] }),
    });
    db.close();
    const loaded = await repo.load(created.key);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problem).toContain('/nodes');
    expect(loaded.lastGood).toBeNull();
  });

  it('lists an unreadable workflow record instead of dropping it, and refuses to save over it', async () => {
    const { repo, name } = await freshRepository();
    const created = await repo.create(definition('Good'));
    const db = await openDB(name);
    await db.put('workflows', { key: created.key, name: 42 });
    db.close();

    // A new session (a reload) finds the damaged record.
    const { repo: reopened } = await reopen(name);
    const snapshot = await reopened.snapshot();
    expect(snapshot.workflows).toEqual([]);
    expect(snapshot.unreadable).toEqual([
      { store: 'workflows', key: created.key, problem: 'name is not a string' },
    ]);
    // Still pointed at, so the caller recovers it rather than opening something else.
    expect(snapshot.openKey).toBe(created.key);

    await expect(reopened.save(created.key, definition('Overwrite'))).rejects.toMatchObject({
      kind: 'missing',
    });
    const loaded = await reopened.load(created.key);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.lastGood?.definition.name).toBe('Good');

    await reopened.discard(snapshot.unreadable, [created.key]);
    expect(await reopened.snapshot()).toEqual({ workflows: [], unreadable: [], openKey: null });
  });

  it('reports a full quota as such and leaves the stored version intact', async () => {
    const { repo } = await freshRepository();
    const created = await repo.create(definition('Before'));
    // The first write of the save transaction succeeds, the second hits the quota:
    // the transaction must roll back whole.
    const realPut = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      if (this.name === 'workflows') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return realPut.apply(this, args);
    });

    const failure = await repo.save(created.key, definition('After')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PersistenceError);
    expect((failure as PersistenceError).kind).toBe('quota');
    expect((failure as PersistenceError).message).toMatch(/Storage is full/);

    vi.restoreAllMocks();
    const loaded = await repo.load(created.key);
    expect(loaded.ok && loaded.definition.name).toBe('Before');
    expect(await repo.rawDump()).not.toContain('After');
  });

  it('steps aside for a newer app version in another tab and says so on the next save', async () => {
    const { repo, name } = await freshRepository();
    const created = await repo.create(definition('Alpha'));
    // Another tab opens the database at a higher version: it must not stay blocked.
    const newer = await openDB(name, 2);
    newer.close();
    await expect(repo.save(created.key, definition('Beta'))).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/newer version of Weft/),
    });
  });

  it('lists the saved versions newest first, naming the unreadable ones', async () => {
    const { repo, name } = await freshRepository();
    const created = await repo.create(definition('v1'));
    await repo.save(created.key, definition('v2'));
    await repo.save(created.key, definition('v3'));
    const db = await openDB(name);
    const record = (await db.get('workflows', created.key)) as { head: number };
    await db.put('versions', { vid: record.head, key: created.key, savedAt: 1, json: '[' });
    db.close();

    const history = await repo.history(created.key);
    expect(history.map((h) => ('definition' in h ? h.definition.name : 'unreadable'))).toEqual([
      'unreadable',
      'v2',
      'v1',
    ]);
  });
});

describe('partitionVersions', () => {
  const minute = 60 * 1000;
  const vidAt = (ms: number) => ms * 1000;

  it('keeps every recent version and one per interval before them', () => {
    const start = 1_700_000_000_000;
    // A save every 10 seconds for two hours.
    const vids = Array.from({ length: 720 }, (_, i) => vidAt(start + i * 10_000));
    const interval = (vid: number) => Math.floor(vid / 1000 / OLDER_VERSION_SPACING_MS);
    const { keep, drop } = partitionVersions(vids);
    expect(keep.length + drop.length).toBe(720);
    // The ten newest are all there.
    const newestFirst = [...vids].sort((a, b) => b - a);
    expect(keep.slice(0, RECENT_VERSIONS)).toEqual(newestFirst.slice(0, RECENT_VERSIONS));
    // Then exactly one per earlier interval, back to the first one.
    const older = keep.slice(RECENT_VERSIONS);
    const intervals = new Set(vids.map(interval));
    expect(older).toHaveLength(intervals.size - 1);
    expect(new Set(older.map(interval)).size).toBe(older.length);
    expect(interval(Math.min(...keep))).toBe(interval(vidAt(start)));
  });

  it('drops older versions of a typing burst inside one interval', () => {
    const start = 1_700_000_000_000;
    const vids = Array.from({ length: 40 }, (_, i) => vidAt(start + i * 300));
    expect(partitionVersions(vids).keep).toHaveLength(RECENT_VERSIONS);
    expect(partitionVersions(vids.map((v, i) => v + i * 11 * minute * 1000)).keep).toHaveLength(
      RECENT_VERSIONS + OLDER_VERSIONS,
    );
  });
});
