import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { createRenderHold } from './renderHold.ts';

function setup() {
  const store = createStore<{ text: string; clicks: number }>()(() => ({ text: '', clicks: 0 }));
  const frames: (() => void)[] = [];
  const renders = createRenderHold(store, (callback) => frames.push(callback));
  const seen: string[] = [];
  const watch = (name: string) =>
    renders.subscribe(() => seen.push(`${name}:${store.getState().text}`));
  const drawFrame = () => {
    for (const callback of frames.splice(0)) callback();
  };
  return { store, renders, seen, watch, drawFrame, frames };
}

describe('render hold', () => {
  it('tells components of a change made outside a hold at once', () => {
    const { store, seen, watch, frames } = setup();
    watch('card');
    store.setState({ text: 'a' });
    expect(seen).toEqual(['card:a']);
    expect(frames).toHaveLength(0);
  });

  it('tells components of held keystrokes once, at the next frame, with the latest text', () => {
    const { store, renders, seen, watch, drawFrame, frames } = setup();
    watch('card');
    watch('inspector');
    renders.hold(() => store.setState({ text: 'a' }));
    renders.hold(() => store.setState({ text: 'ab' }));
    expect(seen).toEqual([]);
    expect(frames).toHaveLength(1);
    drawFrame();
    expect(seen).toEqual(['card:ab', 'inspector:ab']);
    drawFrame();
    expect(seen).toHaveLength(2);
  });

  it('brings the held changes along with the next change outside a hold (the reply)', () => {
    const { store, renders, seen, watch, drawFrame } = setup();
    watch('card');
    watch('inspector');
    renders.hold(() => store.setState({ text: 'a' }));
    store.setState({ clicks: 1 });
    expect(seen).toEqual(['card:a', 'inspector:a']);
    // Nothing is left for the frame to tell.
    drawFrame();
    expect(seen).toHaveLength(2);
  });

  it('tells the held changes at once when released (the next input comes before the frame)', () => {
    const { store, renders, seen, watch, drawFrame } = setup();
    watch('card');
    expect(renders.pending()).toBe(false);
    renders.hold(() => store.setState({ text: 'a' }));
    expect(renders.pending()).toBe(true);
    renders.release();
    expect(seen).toEqual(['card:a']);
    expect(renders.pending()).toBe(false);
    drawFrame();
    expect(seen).toEqual(['card:a']);
  });

  it('forgets a component that unsubscribed while its change was held', () => {
    const { store, renders, seen, watch, drawFrame } = setup();
    const stop = watch('inspector');
    watch('card');
    renders.hold(() => store.setState({ text: 'a' }));
    stop();
    drawFrame();
    expect(seen).toEqual(['card:a']);
  });

  it('stops holding when the held change throws', () => {
    const { store, renders, seen, watch } = setup();
    watch('card');
    expect(() =>
      renders.hold(() => {
        throw new Error('bad edit');
      }),
    ).toThrow('bad edit');
    store.setState({ text: 'a' });
    expect(seen).toEqual(['card:a']);
  });
});
