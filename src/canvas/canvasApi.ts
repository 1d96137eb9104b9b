// What the rest of the app may ask of the canvas without importing React Flow:
// the flow position at the viewport's centre (palette clicks) and fit view
// (after a layout or an import). The canvas registers the real functions on mount.

import type { Position } from '../engine/client.ts';

export interface CanvasApi {
  centre(): Position;
  fitView(): void;
}

const fallback: CanvasApi = { centre: () => ({ x: 0, y: 0 }), fitView: () => undefined };
let current: CanvasApi = fallback;

export const canvasApi: CanvasApi = {
  centre: () => current.centre(),
  fitView: () => current.fitView(),
};

export function registerCanvasApi(api: CanvasApi): () => void {
  current = api;
  return () => {
    if (current === api) current = fallback;
  };
}
