import { describe, expect, it } from 'vitest';
import { createAutosaver, type SaveStatus } from './autosave.ts';
import { PersistenceError } from './repository.ts';

// A manual timer so the debounce is driven by the test, not by the clock.
function manualTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  return {
    setTimer: (callback: () => void) => {
      const id = next++;
      pending.set(id, callback);
      return id;
    },
    clearTimer: (handle: unknown) => {
      pending.delete(handle as number);
    },
    fire() {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
    get count() {
      return pending.size;
    },
  };
}

function settle() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('createAutosaver', () => {
  it('coalesces a burst of edits into one write of the latest document', async () => {
    const timers = manualTimers();
    let document = 'a';
    const written: string[] = [];
    const saver = createAutosaver({
      write: async () => {
        written.push(document);
      },
      ...timers,
    });
    for (const next of ['ab', 'abc', 'abcd']) {
      document = next;
      saver.schedule();
    }
    expect(written).toEqual([]);
    expect(timers.count).toBe(1);
    timers.fire();
    await settle();
    expect(written).toEqual(['abcd']);
    expect(saver.dirty).toBe(false);
  });

  it('flush writes a pending change at once, as on closing the tab', async () => {
    const timers = manualTimers();
    const written: number[] = [];
    let version = 0;
    const saver = createAutosaver({
      write: async () => {
        written.push(version);
      },
      ...timers,
    });
    version = 7;
    saver.schedule();
    await saver.flush();
    expect(written).toEqual([7]);
    expect(timers.count).toBe(0);
    // Nothing pending: flushing again writes nothing.
    await saver.flush();
    expect(written).toEqual([7]);
  });

  it('starts a flush at once even while a write is in flight, and reports saved after both', async () => {
    const timers = manualTimers();
    let document = 1;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const statuses: string[] = [];
    const saver = createAutosaver({
      write: () => {
        started.push(document);
        return new Promise<void>((resolve) => releases.push(resolve));
      },
      onStatus: (status) => statuses.push(status.state),
      ...timers,
    });
    saver.schedule();
    timers.fire();
    expect(started).toEqual([1]);

    document = 2;
    saver.schedule();
    const flushed = saver.flush();
    // Issued synchronously: a closing tab gets no later chance.
    expect(started).toEqual([1, 2]);
    expect(saver.dirty).toBe(true);

    for (const release of releases) release();
    await flushed;
    expect(saver.dirty).toBe(false);
    expect(statuses).toEqual(['saving', 'saved']);
  });

  it('reports a full quota and keeps the change pending for the next try', async () => {
    const timers = manualTimers();
    const statuses: SaveStatus[] = [];
    let full = true;
    let writes = 0;
    const saver = createAutosaver({
      write: async () => {
        writes += 1;
        if (full) throw new PersistenceError('quota', 'Storage is full');
      },
      onStatus: (status) => statuses.push(status),
      ...timers,
    });
    saver.schedule();
    await saver.flush();
    expect(statuses.at(-1)).toEqual({ state: 'error', kind: 'quota', message: 'Storage is full' });
    expect(saver.dirty).toBe(true);

    full = false;
    await saver.flush();
    expect(writes).toBe(2);
    expect(statuses.at(-1)).toEqual({ state: 'saved' });
    expect(saver.dirty).toBe(false);
  });
});
