// Debounced autosave. Framework-free: the caller says when the document changed
// (`schedule`) and when the page is going away (`flush`); bursts of edits
// coalesce into one write of the latest document (the `write` callback reads it
// at write time), so a burst of typing costs one transaction.
//
// `flush` starts its write synchronously, even while an earlier write is still
// in flight: when a tab closes, a write queued behind a promise would never be
// issued. That is safe because IndexedDB runs readwrite transactions over the
// same stores in the order they were created, so the later (newer) document
// always lands last.

import { PersistenceError, type PersistenceErrorKind } from './repository.ts';

export type SaveStatus =
  | { state: 'saved' }
  | { state: 'saving' }
  | { state: 'error'; kind: PersistenceErrorKind; message: string };

export interface AutosaverOptions {
  /** Writes the current document. Must issue its storage requests before its first await. */
  write: () => Promise<void>;
  onStatus?: (status: SaveStatus) => void;
  /** Quiet time after the last change before writing. */
  delayMs?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface Autosaver {
  /** The document changed: write it after a short quiet time. */
  schedule(): void;
  /** Writes any pending change now; resolves when storage has it (or failed). */
  flush(): Promise<void>;
  /** Whether a change has not reached storage yet (pending, in flight or failed). */
  readonly dirty: boolean;
  /** Stops the timer; pending changes are dropped, so flush first when they matter. */
  dispose(): void;
}

export function createAutosaver(options: AutosaverOptions): Autosaver {
  const delayMs = options.delayMs ?? 300;
  const setTimer = options.setTimer ?? ((cb: () => void, ms: number) => setTimeout(cb, ms));
  const clearTimer =
    options.clearTimer ??
    ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  let dirty = false;
  let disposed = false;
  let issued = 0;
  let settled = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let last: SaveStatus | null = null;

  const report = (status: SaveStatus) => {
    if (last && status.state !== 'error' && status.state === last.state) return;
    last = status;
    options.onStatus?.(status);
  };

  const cancelTimer = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };

  const writeNow = (): Promise<void> => {
    cancelTimer();
    if (disposed || !dirty) return inFlight;
    dirty = false;
    issued += 1;
    const seq = issued;
    report({ state: 'saving' });
    let write: Promise<void>;
    try {
      write = options.write();
    } catch (error) {
      write = Promise.reject(error);
    }
    const done = write.then(
      () => {
        settled = Math.max(settled, seq);
        // A newer write carries this change too; only the newest one decides the status.
        if (seq === issued && !dirty) report({ state: 'saved' });
      },
      (error: unknown) => {
        settled = Math.max(settled, seq);
        if (seq !== issued) return;
        // Keep the change pending so the next edit or flush tries again; say why.
        dirty = true;
        const kind = error instanceof PersistenceError ? error.kind : 'failed';
        const message = error instanceof Error ? error.message : String(error);
        report({ state: 'error', kind, message });
      },
    );
    inFlight = Promise.all([inFlight, done]).then(() => undefined);
    return inFlight;
  };

  return {
    schedule() {
      if (disposed) return;
      dirty = true;
      report({ state: 'saving' });
      cancelTimer();
      timer = setTimer(() => {
        timer = null;
        void writeNow();
      }, delayMs);
    },
    flush() {
      return writeNow();
    },
    get dirty() {
      return dirty || settled < issued;
    },
    dispose() {
      disposed = true;
      cancelTimer();
    },
  };
}
