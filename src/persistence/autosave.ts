// Debounced, serialised autosave. Framework-free: the caller says when the
// document changed (`schedule`) and when the page is going away (`flush`); the
// saver coalesces bursts of edits into one write, never runs two writes at
// once, and always writes the latest document (the `write` callback reads it at
// write time), so a burst of typing costs one transaction.

import { PersistenceError, type PersistenceErrorKind } from './repository.ts';

export type SaveStatus =
  | { state: 'saved' }
  | { state: 'saving' }
  | { state: 'error'; kind: PersistenceErrorKind; message: string };

export interface AutosaverOptions {
  /** Writes the current document; called with no overlap. */
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
  /** Write any pending change now; resolves when storage has it (or failed). */
  flush(): Promise<void>;
  /** Whether a change has not reached storage yet. */
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
  let inFlight: Promise<void> | null = null;
  let disposed = false;
  let lastStatus: SaveStatus['state'] | null = null;

  const report = (status: SaveStatus) => {
    if (status.state !== 'error' && status.state === lastStatus) return;
    lastStatus = status.state;
    options.onStatus?.(status);
  };

  const cancelTimer = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };

  // Writes until nothing is dirty; a change made during a write triggers one more.
  const drain = async (): Promise<void> => {
    while (dirty && !disposed) {
      dirty = false;
      report({ state: 'saving' });
      try {
        await options.write();
      } catch (error) {
        // Keep the change pending so the next edit or flush tries again; say why.
        dirty = true;
        const kind = error instanceof PersistenceError ? error.kind : 'failed';
        const message = error instanceof Error ? error.message : String(error);
        report({ state: 'error', kind, message });
        return;
      }
    }
    if (!dirty) report({ state: 'saved' });
  };

  const run = (): Promise<void> => {
    cancelTimer();
    if (inFlight) return inFlight.then(() => (dirty ? run() : undefined));
    inFlight = drain().finally(() => {
      inFlight = null;
    });
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
        void run();
      }, delayMs);
    },
    flush() {
      if (disposed || (!dirty && !inFlight)) return Promise.resolve();
      return run();
    },
    get dirty() {
      return dirty;
    },
    dispose() {
      disposed = true;
      cancelTimer();
    },
  };
}
