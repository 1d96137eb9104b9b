// The workspace repository: several workflows in IndexedDB, each with a
// history of saved versions, plus which one is open.
//
// Atomicity: every write is ONE readwrite transaction over all stores. A save
// adds a new version record, moves the workflow's `head` pointer to it, records
// which workflow is open and prunes old versions. IndexedDB commits a
// transaction whole or not at all, so a crash or a closed tab mid-save leaves
// either the old head or the new one, never a half-written document, and the
// previous versions stay readable. No write depends on a second transaction
// also landing (rename and duplicate read first, then write one whole version).
//
// Everything read back is treated as untrusted: a record may have been written
// by an older app, a bug, or edited by hand. Reads validate the shape and report
// what they cannot use instead of throwing it away; nothing here deletes data
// it could not read unless the caller asks explicitly.

import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { WorkflowDefinition } from '../engine/client.ts';
import { checkDefinitionShape } from './shape.ts';

export const DEFAULT_DB_NAME = 'weft-workspace';
const DB_VERSION = 1;
/** The newest versions are all kept, the current one included. */
export const RECENT_VERSIONS = 10;
/** Beyond those, one version per spacing interval is kept, up to this many. */
export const OLDER_VERSIONS = 20;
export const OLDER_VERSION_SPACING_MS = 10 * 60 * 1000;

/**
 * Which versions a save keeps: every recent one, then one per interval, so the
 * history reaches back hours of editing while a burst of typing (a save every
 * few hundred milliseconds) cannot push it out. Version keys are milliseconds
 * × 1000 (see nextVid), so the interval is read from the key alone.
 */
export function partitionVersions(vids: readonly number[]): { keep: number[]; drop: number[] } {
  const sorted = [...vids].sort((a, b) => b - a);
  const keep = sorted.slice(0, RECENT_VERSIONS);
  const drop: number[] = [];
  const interval = (vid: number) => Math.floor(vid / 1000 / OLDER_VERSION_SPACING_MS);
  const oldestRecent = keep.at(-1);
  let lastInterval = oldestRecent === undefined ? null : interval(oldestRecent);
  let older = 0;
  for (const vid of sorted.slice(RECENT_VERSIONS)) {
    if (interval(vid) !== lastInterval && older < OLDER_VERSIONS) {
      keep.push(vid);
      older += 1;
      lastInterval = interval(vid);
    } else {
      drop.push(vid);
    }
  }
  return { keep, drop };
}
const SESSION_KEY = 'session';

export interface WorkflowRecord {
  /** Workspace key; independent of the definition's own `id`, which imports may repeat. */
  key: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** The version record holding the current document. */
  head: number;
  /** Name of the input sample the preview ran on. */
  activeSample: string | null;
}

export interface VersionRecord {
  vid: number;
  key: string;
  savedAt: number;
  /** The definition as JSON text: exactly what an export would contain. */
  json: string;
}

export interface SessionRecord {
  openKey: string | null;
}

interface WorkspaceDb extends DBSchema {
  workflows: { key: string; value: WorkflowRecord };
  versions: { key: number; value: VersionRecord; indexes: { byWorkflow: string } };
  session: { key: string; value: SessionRecord };
}

type WriteTransaction = IDBPTransaction<
  WorkspaceDb,
  Array<'workflows' | 'versions' | 'session'>,
  'readwrite'
>;

export type WorkflowSummary = Omit<WorkflowRecord, 'head'>;

export interface UnreadableRecord {
  store: 'workflows' | 'versions' | 'session';
  key: string;
  problem: string;
}

export interface WorkspaceSnapshot {
  /** Readable workflows, most recently updated first. */
  workflows: WorkflowSummary[];
  /** Records that exist but cannot be used. */
  unreadable: UnreadableRecord[];
  /** The workflow that was open, when it still exists. */
  openKey: string | null;
}

export interface SavedVersion {
  vid: number;
  savedAt: number;
  definition: WorkflowDefinition;
}

export type VersionEntry = SavedVersion | { vid: number; savedAt: number; problem: string };

export type LoadOutcome =
  | {
      ok: true;
      workflow: WorkflowSummary;
      definition: WorkflowDefinition;
      vid: number;
    }
  | {
      ok: false;
      key: string;
      problem: string;
      /** The newest older version that still reads, offered for restoring. */
      lastGood: SavedVersion | null;
    };

export type PersistenceErrorKind = 'quota' | 'unavailable' | 'missing' | 'failed';

/** A failed storage operation, classified so the UI can say what happened. */
export class PersistenceError extends Error {
  readonly kind: PersistenceErrorKind;
  constructor(kind: PersistenceErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersistenceError';
    this.kind = kind;
  }
}

function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

function classify(error: unknown, action: string): PersistenceError {
  if (error instanceof PersistenceError) return error;
  if (isQuotaError(error)) {
    return new PersistenceError(
      'quota',
      `Storage is full: ${action} did not happen. Export your workflow to keep a copy, and free some space in the browser.`,
      { cause: error },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new PersistenceError('failed', `${action} failed: ${detail}`, { cause: error });
}

function newKey(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
  return `wf-${random}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readWorkflowRecord(value: unknown): WorkflowRecord | string {
  if (!isRecord(value)) return 'not an object';
  const { key, name, createdAt, updatedAt, head, activeSample } = value;
  if (typeof key !== 'string') return 'key is not a string';
  if (typeof name !== 'string') return 'name is not a string';
  if (typeof head !== 'number') return 'head is not a number';
  if (typeof createdAt !== 'number' || typeof updatedAt !== 'number') return 'dates are missing';
  if (activeSample !== null && activeSample !== undefined && typeof activeSample !== 'string') {
    return 'activeSample is not a string';
  }
  return { key, name, createdAt, updatedAt, head, activeSample: activeSample ?? null };
}

function summary(record: WorkflowRecord): WorkflowSummary {
  return {
    key: record.key,
    name: record.name,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    activeSample: record.activeSample,
  };
}

/** Reads a stored version into a definition, or says why it cannot. */
function readVersion(value: unknown): { definition: WorkflowDefinition } | { problem: string } {
  if (!isRecord(value)) return { problem: 'the version record is missing or not an object' };
  if (typeof value.json !== 'string') return { problem: 'the version record holds no JSON text' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.json);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { problem: `the stored document is not valid JSON (${detail})` };
  }
  const problems = checkDefinitionShape(parsed);
  const first = problems[0];
  if (first) {
    return {
      problem: `the stored document is not a workflow: ${first.path || '/'} ${first.message}`,
    };
  }
  return { definition: parsed as WorkflowDefinition };
}

function stringifyRecord(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return String(value);
  }
}

export interface OpenOptions {
  /** Database name; tests use one per case. */
  name?: string;
  /** Clock for record dates; tests pin it. */
  now?: () => number;
}

export class WorkspaceRepository {
  private readonly db: IDBPDatabase<WorkspaceDb>;
  private readonly now: () => number;
  /**
   * The record and version keys of each workflow read or written here, so a save
   * can write without reading first (see `save`).
   */
  private readonly known = new Map<string, { record: WorkflowRecord; vids: number[] }>();
  private lastVid = 0;

  private constructor(db: IDBPDatabase<WorkspaceDb>, now: () => number) {
    this.db = db;
    this.now = now;
  }

  static async open(options: OpenOptions = {}): Promise<WorkspaceRepository> {
    const name = options.name ?? DEFAULT_DB_NAME;
    if (typeof indexedDB === 'undefined') {
      throw new PersistenceError('unavailable', 'This browser offers no IndexedDB storage.');
    }
    try {
      let repository: WorkspaceRepository | null = null;
      const db = await openDB<WorkspaceDb>(name, DB_VERSION, {
        upgrade(database) {
          database.createObjectStore('workflows', { keyPath: 'key' });
          const versions = database.createObjectStore('versions', { keyPath: 'vid' });
          versions.createIndex('byWorkflow', 'key');
          database.createObjectStore('session');
        },
        // A newer Weft in another tab needs to upgrade the database: step aside
        // rather than block it, and say so on the next save.
        blocking() {
          repository?.closeWith(
            'A newer version of Weft is open in another tab: reload this tab to keep saving.',
          );
        },
        terminated() {
          repository?.closeWith('The browser closed the workspace storage: reload to keep saving.');
        },
      });
      repository = new WorkspaceRepository(db, options.now ?? Date.now);
      return repository;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new PersistenceError(
        'unavailable',
        `The workspace storage cannot be opened: ${detail}`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Runs one readwrite transaction over every store. Any error, thrown by IndexedDB
   * or by the body, aborts the whole transaction: a partial write never commits.
   */
  private async write<T>(action: string, body: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    if (this.closedReason !== null) throw new PersistenceError('unavailable', this.closedReason);
    let tx: WriteTransaction | null = null;
    try {
      tx = this.db.transaction(['workflows', 'versions', 'session'], 'readwrite');
      const result = await body(tx);
      await tx.done;
      return result;
    } catch (error) {
      // A quota failure may surface on a request as a plain AbortError while
      // the transaction carries the real cause.
      const cause = tx?.error && isQuotaError(tx.error) ? tx.error : error;
      if (tx) {
        try {
          tx.abort();
        } catch {
          // Already committed or aborted by IndexedDB itself.
        }
        tx.done.catch(() => undefined);
      }
      throw classify(cause, action);
    }
  }

  /**
   * Version keys grow with time, so the newest version has the largest key in
   * every tab; `add` (not `put`) turns an unlikely clash into a failed save
   * rather than an overwrite.
   */
  private nextVid(): number {
    this.lastVid = Math.max(this.lastVid + 1, Math.floor(this.now()) * 1000);
    return this.lastVid;
  }

  private closedReason: string | null = null;

  /** Closes the connection; later writes fail with `reason`. */
  closeWith(reason: string): void {
    this.closedReason = reason;
    this.db.close();
  }

  close(): void {
    this.db.close();
  }

  /** Everything needed to start: the readable workflows, what is unreadable, what was open. */
  async snapshot(): Promise<WorkspaceSnapshot> {
    const tx = this.db.transaction(['workflows', 'session'], 'readonly');
    const keys = await tx.objectStore('workflows').getAllKeys();
    const values: unknown[] = await tx.objectStore('workflows').getAll();
    const session: unknown = await tx.objectStore('session').get(SESSION_KEY);
    await tx.done;

    const workflows: WorkflowSummary[] = [];
    const unreadable: UnreadableRecord[] = [];
    values.forEach((value, index) => {
      const record = readWorkflowRecord(value);
      if (typeof record === 'string') {
        this.known.delete(String(keys[index]));
        unreadable.push({ store: 'workflows', key: String(keys[index]), problem: record });
      } else {
        workflows.push(summary(record));
      }
    });
    workflows.sort((a, b) => b.updatedAt - a.updatedAt);

    let openKey: string | null = null;
    if (session !== undefined) {
      if (isRecord(session) && (typeof session.openKey === 'string' || session.openKey === null)) {
        openKey = session.openKey;
      } else {
        unreadable.push({ store: 'session', key: SESSION_KEY, problem: 'not a session record' });
      }
    }
    if (openKey !== null && !workflows.some((w) => w.key === openKey)) {
      // The open workflow's record is unreadable: keep pointing at it so the caller
      // recovers it rather than silently opening something else.
      if (!unreadable.some((u) => u.store === 'workflows' && u.key === openKey)) openKey = null;
    }
    return { workflows, unreadable, openKey };
  }

  async list(): Promise<WorkflowSummary[]> {
    return (await this.snapshot()).workflows;
  }

  /** Loads a workflow's current document; on failure, says why and offers the last good version. */
  async load(key: string): Promise<LoadOutcome> {
    const tx = this.db.transaction(['workflows', 'versions'], 'readonly');
    const raw: unknown = await tx.objectStore('workflows').get(key);
    const vids = await tx.objectStore('versions').index('byWorkflow').getAllKeys(key);
    const versions: unknown[] = await Promise.all(
      vids.map((vid) => tx.objectStore('versions').get(vid)),
    );
    await tx.done;

    const record = readWorkflowRecord(raw);
    // Only a workflow that reads cleanly may be saved without reading it again.
    this.known.delete(key);
    const byVid = new Map<number, unknown>();
    vids.forEach((vid, index) => byVid.set(vid, versions[index]));

    const lastGoodExcept = (skip: number | null): SavedVersion | null => {
      const sorted = [...vids].sort((a, b) => b - a);
      for (const vid of sorted) {
        if (vid === skip) continue;
        const value = byVid.get(vid);
        const read = readVersion(value);
        if ('definition' in read) {
          const savedAt = isRecord(value) && typeof value.savedAt === 'number' ? value.savedAt : 0;
          return { vid, savedAt, definition: read.definition };
        }
      }
      return null;
    };

    if (raw === undefined && vids.length === 0) {
      return { ok: false, key, problem: 'the workflow does not exist', lastGood: null };
    }
    if (typeof record === 'string') {
      return {
        ok: false,
        key,
        problem: `the workflow's record is unreadable: ${record}`,
        lastGood: lastGoodExcept(null),
      };
    }
    const read = readVersion(byVid.get(record.head));
    if ('problem' in read) {
      return { ok: false, key, problem: read.problem, lastGood: lastGoodExcept(record.head) };
    }
    this.lastVid = Math.max(this.lastVid, ...vids);
    this.known.set(key, { record, vids: [...vids].sort((a, b) => b - a) });
    return { ok: true, workflow: summary(record), definition: read.definition, vid: record.head };
  }

  /** A workflow's saved versions, newest first; unreadable ones say why. */
  async history(key: string): Promise<VersionEntry[]> {
    const tx = this.db.transaction('versions', 'readonly');
    const values: unknown[] = await tx.store.index('byWorkflow').getAll(key);
    await tx.done;
    const entries: VersionEntry[] = [];
    for (const value of values) {
      if (!isRecord(value) || typeof value.vid !== 'number') continue;
      const savedAt = typeof value.savedAt === 'number' ? value.savedAt : 0;
      const read = readVersion(value);
      entries.push(
        'definition' in read
          ? { vid: value.vid, savedAt, definition: read.definition }
          : { vid: value.vid, savedAt, problem: read.problem },
      );
    }
    return entries.sort((a, b) => b.vid - a.vid);
  }

  /** Adds a workflow with its first version and makes it the open one. */
  async create(
    definition: WorkflowDefinition,
    options: { activeSample?: string | null; open?: boolean } = {},
  ): Promise<WorkflowSummary> {
    const key = newKey();
    const now = this.now();
    const json = JSON.stringify(definition);
    const head = this.nextVid();
    return this.write('Creating the workflow', async (tx) => {
      await tx.objectStore('versions').add({ vid: head, key, savedAt: now, json });
      const record: WorkflowRecord = {
        key,
        name: definition.name,
        createdAt: now,
        updatedAt: now,
        head,
        activeSample: options.activeSample ?? null,
      };
      await tx.objectStore('workflows').add(record);
      if (options.open !== false) {
        await tx.objectStore('session').put({ openKey: key }, SESSION_KEY);
      }
      this.known.set(key, { record, vids: [head] });
      return summary(record);
    });
  }

  /**
   * Saves a new version of a workflow atomically (see the header) and marks it
   * open. Keeps earlier versions as `partitionVersions` says.
   *
   * For a workflow this repository loaded or created, every request is issued
   * synchronously, before the first await, and the transaction is committed at
   * once: a save started as the tab closes (pagehide) reaches IndexedDB whole
   * instead of stalling on a read whose answer the closing page never gets.
   */
  async save(
    key: string,
    definition: WorkflowDefinition,
    options: { activeSample?: string | null; open?: boolean } = {},
  ): Promise<WorkflowSummary> {
    const known = this.known.get(key);
    if (!known) return this.saveUnknown(key, definition, options);
    const json = JSON.stringify(definition);
    const now = this.now();
    const vid = this.nextVid();
    const record: WorkflowRecord = {
      key,
      name: definition.name,
      createdAt: known.record.createdAt,
      updatedAt: now,
      head: vid,
      activeSample:
        options.activeSample === undefined ? known.record.activeSample : options.activeSample,
    };
    const { keep, drop: stale } = partitionVersions([vid, ...known.vids]);
    const entry = { record, vids: keep };
    this.known.set(key, entry);
    try {
      return await this.write('Saving', async (tx) => {
        const versions = tx.objectStore('versions');
        // Each request gets a handler at once: if a later one throws, the earlier
        // ones reject with AbortError and that must not surface as unhandled.
        const requests: Array<Promise<unknown>> = [];
        const issue = (request: Promise<unknown>) => {
          request.catch(() => undefined);
          requests.push(request);
        };
        issue(versions.add({ vid, key, savedAt: now, json }));
        issue(tx.objectStore('workflows').put(record));
        for (const old of stale) issue(versions.delete(old));
        if (options.open !== false) {
          issue(tx.objectStore('session').put({ openKey: key }, SESSION_KEY));
        }
        tx.commit();
        await Promise.all(requests);
        return summary(record);
      });
    } catch (error) {
      if (this.known.get(key) === entry) this.known.set(key, known);
      throw error;
    }
  }

  /** Saving a workflow not read in this session: read its record first, in the same transaction. */
  private async saveUnknown(
    key: string,
    definition: WorkflowDefinition,
    options: { activeSample?: string | null; open?: boolean },
  ): Promise<WorkflowSummary> {
    const json = JSON.stringify(definition);
    const now = this.now();
    const vid = this.nextVid();
    return this.write('Saving', async (tx) => {
      const workflows = tx.objectStore('workflows');
      const versions = tx.objectStore('versions');
      const raw: unknown = await workflows.get(key);
      // A workflow deleted elsewhere (another tab) while open here is written back:
      // the open document is the user's latest work.
      const existing: WorkflowRecord | string =
        raw === undefined
          ? {
              key,
              name: definition.name,
              createdAt: now,
              updatedAt: now,
              head: vid,
              activeSample: null,
            }
          : readWorkflowRecord(raw);
      if (typeof existing === 'string') {
        // Never overwrite a record we could not read: it may be the only copy of
        // someone's work.
        throw new PersistenceError(
          'missing',
          `Saving stopped: the stored workflow cannot be read (${existing}).`,
        );
      }
      await versions.add({ vid, key, savedAt: now, json });
      const record: WorkflowRecord = {
        key,
        createdAt: existing.createdAt,
        name: definition.name,
        updatedAt: now,
        head: vid,
        activeSample:
          options.activeSample === undefined ? existing.activeSample : options.activeSample,
      };
      await workflows.put(record);
      if (options.open !== false) {
        await tx.objectStore('session').put({ openKey: key }, SESSION_KEY);
      }
      const vids = (await versions.index('byWorkflow').getAllKeys(key)).sort((a, b) => b - a);
      const { keep, drop } = partitionVersions(vids);
      await Promise.all(drop.map((old) => versions.delete(old)));
      this.known.set(key, { record, vids: keep });
      return summary(record);
    });
  }

  /** Renames a workflow (not necessarily the open one): a new version carrying the new name. */
  async rename(key: string, name: string): Promise<WorkflowSummary> {
    const loaded = await this.load(key);
    if (!loaded.ok) throw new PersistenceError('missing', `Cannot rename: ${loaded.problem}.`);
    return this.save(key, { ...loaded.definition, name }, { open: false });
  }

  /** Copies a workflow's current document into a new workflow (not opened). */
  async duplicate(key: string, name?: string): Promise<WorkflowSummary> {
    const loaded = await this.load(key);
    if (!loaded.ok) throw new PersistenceError('missing', `Cannot duplicate: ${loaded.problem}.`);
    const copy: WorkflowDefinition = {
      ...loaded.definition,
      name: name ?? `${loaded.definition.name} (copy)`,
    };
    return this.create(copy, { activeSample: loaded.workflow.activeSample, open: false });
  }

  /** Deletes a workflow and all its versions in one transaction. */
  async delete(key: string): Promise<void> {
    this.known.delete(key);
    return this.write('Deleting', async (tx) => {
      const vids = await tx.objectStore('versions').index('byWorkflow').getAllKeys(key);
      await Promise.all(vids.map((vid) => tx.objectStore('versions').delete(vid)));
      await tx.objectStore('workflows').delete(key);
      const session: unknown = await tx.objectStore('session').get(SESSION_KEY);
      if (isRecord(session) && session.openKey === key) {
        await tx.objectStore('session').put({ openKey: null }, SESSION_KEY);
      }
    });
  }

  /** Marks a workflow as the open one (switching), remembering its sample. */
  async setOpen(key: string | null): Promise<void> {
    try {
      await this.db.put('session', { openKey: key }, SESSION_KEY);
    } catch (error) {
      throw classify(error, 'Remembering the open workflow');
    }
  }

  /**
   * Makes an older version current again, by saving its document as a new
   * version: the unreadable head stays in the history, so nothing is lost.
   */
  async restore(key: string, version: SavedVersion): Promise<void> {
    const now = this.now();
    const head = this.nextVid();
    return this.write('Restoring', async (tx) => {
      const existing = readWorkflowRecord(await tx.objectStore('workflows').get(key));
      await tx
        .objectStore('versions')
        .add({ vid: head, key, savedAt: now, json: JSON.stringify(version.definition) });
      const record: WorkflowRecord = {
        key,
        name: version.definition.name,
        createdAt: typeof existing === 'string' ? now : existing.createdAt,
        updatedAt: now,
        head,
        activeSample: typeof existing === 'string' ? null : existing.activeSample,
      };
      await tx.objectStore('workflows').put(record);
      await tx.objectStore('session').put({ openKey: key }, SESSION_KEY);
      const vids = await tx.objectStore('versions').index('byWorkflow').getAllKeys(key);
      this.known.set(key, { record, vids: vids.sort((a, b) => b - a) });
    });
  }

  /** Removes records the user chose to discard from the recovery view. */
  async discard(records: UnreadableRecord[], workflowKeys: string[] = []): Promise<void> {
    return this.write('Discarding', async (tx) => {
      for (const record of records) {
        if (record.store === 'versions') {
          await tx.objectStore('versions').delete(Number(record.key));
        } else {
          await tx.objectStore(record.store).delete(record.key);
        }
      }
      for (const key of workflowKeys) {
        this.known.delete(key);
        const vids = await tx.objectStore('versions').index('byWorkflow').getAllKeys(key);
        await Promise.all(vids.map((vid) => tx.objectStore('versions').delete(vid)));
        await tx.objectStore('workflows').delete(key);
      }
      const session: unknown = await tx.objectStore('session').get(SESSION_KEY);
      if (
        session !== undefined &&
        (!isRecord(session) ||
          (typeof session.openKey === 'string' && workflowKeys.includes(session.openKey)))
      ) {
        await tx.objectStore('session').put({ openKey: null }, SESSION_KEY);
      }
    });
  }

  /** Every stored record, as they are, for the recovery download. */
  async rawDump(): Promise<string> {
    const tx = this.db.transaction(['workflows', 'versions', 'session'], 'readonly');
    const dump: Record<string, Array<{ key: unknown; value: unknown }>> = {
      workflows: [],
      versions: [],
      session: [],
    };
    for (const store of ['workflows', 'versions', 'session'] as const) {
      let cursor = await tx.objectStore(store).openCursor();
      while (cursor) {
        dump[store]?.push({ key: cursor.key, value: stringifyRecord(cursor.value) });
        cursor = await cursor.continue();
      }
    }
    await tx.done;
    return JSON.stringify(
      {
        database: this.db.name,
        version: this.db.version,
        exportedAt: new Date(this.now()).toISOString(),
        stores: dump,
      },
      null,
      2,
    );
  }
}
