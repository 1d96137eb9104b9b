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

  it('never overlaps writes and writes once more for an edit made during a write', async () => {
    const timers = manualTimers();
    let active = 0;
    let maxActive = 0;
    let document = 1;
    const written: number[] = [];
    let release: () => void = () => undefined;
    const saver = createAutosaver({
      write: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        const snapshot = document;
        await new Promise<void>((resolve) => (release = resolve));
        written.push(snapshot);
        active -= 1;
      },
      ...timers,
    });
    saver.schedule();
    timers.fire();
    await settle();
    document = 2;
    saver.schedule();
    const flushed = saver.flush();
    release();
    await settle();
    release();
    await flushed;
    expect(written).toEqual([1, 2]);
    expect(maxActive).toBe(1);
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
