// Holds the page's renders of a keystroke's store change until the frame.
//
// A keystroke in an expression field changes the document, and the store
// tells every component at once: React renders the inspector, the edited card
// and the run status in the key's own task, then renders most of them again
// when the preview's reply comes, before the same frame is drawn. The first
// render shows nothing the frame would not show anyway, and it makes the key's
// task longer. A change made inside `hold` reaches the components when the
// next animation frame starts, or sooner when the store changes again outside
// a hold (a reply, a click), so the page renders once per keystroke.
//
// Only for fields that own their text (CodeMirror): a controlled React input
// needs its render in the key's task, or React puts the old value back. And a
// held render must not outlive the next input (main.tsx releases it then):
// event handlers build changes from what the components last rendered.

import type { StoreApi } from 'zustand/vanilla';

export interface RenderHold {
  /** For `useSyncExternalStore`: like the store's `subscribe`, but held inside `hold`. */
  subscribe(onStoreChange: () => void): () => void;
  /** Runs `change`; the components hear of what it changed at the next frame. */
  hold(change: () => void): void;
  /** Whether a change is held. */
  pending(): boolean;
  /** Tells the components of every held change now, not at the frame. */
  release(): void;
}

export function createRenderHold(
  store: StoreApi<unknown>,
  requestFrame: (callback: () => void) => unknown = (callback) => requestAnimationFrame(callback),
): RenderHold {
  let holding = 0;
  let frameRequested = false;
  const held = new Set<() => void>();

  function release(): void {
    if (held.size === 0) return;
    const waiting = [...held];
    held.clear();
    for (const onStoreChange of waiting) onStoreChange();
  }

  return {
    subscribe(onStoreChange) {
      const unsubscribe = store.subscribe(() => {
        if (holding > 0) {
          held.add(onStoreChange);
          if (!frameRequested) {
            frameRequested = true;
            requestFrame(() => {
              frameRequested = false;
              release();
            });
          }
          return;
        }
        // A change outside a hold reaches every subscriber, held or not:
        // all render the same state in one commit.
        held.delete(onStoreChange);
        onStoreChange();
      });
      return () => {
        held.delete(onStoreChange);
        unsubscribe();
      };
    },
    hold(change) {
      holding++;
      try {
        change();
      } finally {
        holding--;
      }
    },
    pending: () => held.size > 0,
    release,
  };
}
