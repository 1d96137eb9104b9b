// A page object for the editor: the names a person sees (palette buttons by
// kind label, nodes by id, ports by name), so specs read as what a user does.

import { expect, type Locator, type Page } from '@playwright/test';

export type NodeStatus = 'succeeded' | 'failed' | 'skipped' | 'waiting' | 'idle' | 'timed-out';

/** Where a colour shows on the minimap: how many of its pixels, and their bounding box (CSS px). */
export interface MinimapPaint {
  pixels: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export class EditorPage {
  readonly canvas: Locator;
  readonly palette: Locator;
  readonly runStatus: Locator;
  readonly refusal: Locator;
  readonly minimap: Locator;

  constructor(readonly page: Page) {
    this.canvas = page.locator('.react-flow');
    this.palette = page.getByRole('navigation', { name: 'Node palette' });
    this.runStatus = page.getByRole('status', { name: 'Run status' });
    this.refusal = page.getByRole('alert').filter({ hasText: 'Connection refused' });
    this.minimap = page.getByRole('img', { name: 'Mini Map' });
  }

  /** Opens the app on a fresh profile and waits for the first preview to paint. */
  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.nodes().first()).toBeVisible();
    await expect(this.runStatus).toHaveAttribute('data-preview-state', /done|invalid/);
  }

  nodes(): Locator {
    return this.canvas.locator('[data-node-id]');
  }

  node(id: string): Locator {
    return this.canvas.locator(`[data-node-id="${id}"]`);
  }

  nodesOfKind(kind: string): Locator {
    return this.canvas.locator(`[data-kind="${kind}"]`);
  }

  async expectStatus(id: string, status: NodeStatus): Promise<void> {
    await expect(this.node(id)).toHaveAttribute('data-status', status);
  }

  /** The one-line output preview shown on a node card. */
  preview(id: string): Locator {
    return this.node(id).locator('.weft-node-preview');
  }

  /** The error or problem line shown on a node card. */
  problem(id: string): Locator {
    return this.node(id).locator('.weft-node-error, .weft-node-problem');
  }

  outHandle(id: string, port = 'out'): Locator {
    return this.node(id).locator(`.react-flow__handle.source[data-handleid="${port}"]`);
  }

  inHandle(id: string): Locator {
    return this.node(id).locator('.react-flow__handle.target');
  }

  paletteItem(label: string): Locator {
    return this.palette.getByRole('button', { name: label, exact: true });
  }

  /** Drags a kind from the palette and drops it at a point of the canvas (fractions of its box). */
  async dragFromPalette(label: string, at: { x: number; y: number }): Promise<string> {
    const before = new Set(await this.nodeIds());
    const box = await this.canvas.boundingBox();
    if (!box) throw new Error('canvas not visible');
    await this.paletteItem(label).dragTo(this.canvas, {
      targetPosition: { x: box.width * at.x, y: box.height * at.y },
    });
    await expect.poll(async () => (await this.nodeIds()).length).toBe(before.size + 1);
    const added = (await this.nodeIds()).find((id) => !before.has(id));
    if (!added) throw new Error('no node was added');
    return added;
  }

  async nodeIds(): Promise<string[]> {
    return this.nodes().evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-node-id') ?? ''),
    );
  }

  /** Connects two nodes by dragging from the source's port handle to the target's input, with the mouse. */
  async connect(source: string, port: string, target: string): Promise<void> {
    const from = await this.outHandle(source, port).boundingBox();
    const to = await this.inHandle(target).boundingBox();
    if (!from || !to) throw new Error(`handles of ${source}.${port} -> ${target} not visible`);
    const mouse = this.page.mouse;
    await mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await mouse.down();
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await mouse.move(
        from.x + ((to.x - from.x) * i) / steps + from.width / 2,
        from.y + ((to.y - from.y) * i) / steps + from.height / 2,
      );
    }
    await mouse.move(to.x + to.width / 2, to.y + to.height / 2);
    await mouse.up();
  }

  edge(source: string, port: string, target: string): Locator {
    return this.canvas.locator(`.react-flow__edge[data-id="${source}:${port}->${target}:in"]`);
  }

  /** The line drawn for an edge, whose classes give its look (taken, dimmed, error). */
  edgeLine(source: string, port: string, target: string): Locator {
    return this.edge(source, port, target).locator('.react-flow__edge-path');
  }

  /** Moves a node by dragging its header. */
  async dragNodeBy(id: string, dx: number, dy: number): Promise<void> {
    const head = this.node(id).locator('.weft-node-head');
    const box = await head.boundingBox();
    if (!box) throw new Error(`node ${id} not visible`);
    const x = box.x + box.width / 3;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    for (let i = 1; i <= 10; i++) await this.page.mouse.move(x + (dx * i) / 10, y + (dy * i) / 10);
    await this.page.mouse.up();
  }

  /**
   * The minimap's pixels of one colour (`#rrggbb`, e.g. a status colour from
   * nodeVisuals.ts), read from what its canvas shows.
   */
  async minimapPaint(colour: string): Promise<MinimapPaint> {
    const rgb = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16));
    return this.page.locator('.react-flow__minimap canvas').evaluate((element, [r, g, b]) => {
      const canvas = element as HTMLCanvasElement;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('the minimap has no 2D context');
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      const ratio = canvas.width / canvas.clientWidth;
      const paint = {
        pixels: 0,
        left: Infinity,
        top: Infinity,
        right: -Infinity,
        bottom: -Infinity,
      };
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] !== r || data[i + 1] !== g || data[i + 2] !== b || data[i + 3] !== 255)
          continue;
        const x = ((i / 4) % canvas.width) / ratio;
        const y = Math.floor(i / 4 / canvas.width) / ratio;
        paint.pixels++;
        paint.left = Math.min(paint.left, x);
        paint.top = Math.min(paint.top, y);
        paint.right = Math.max(paint.right, x);
        paint.bottom = Math.max(paint.bottom, y);
      }
      return paint;
    }, rgb);
  }

  /** The canvas's pan and zoom, as React Flow applies it to the viewport. */
  async viewport(): Promise<{ x: number; y: number; zoom: number }> {
    const transform = await this.canvas
      .locator('.react-flow__viewport')
      .evaluate((element) => getComputedStyle(element).transform);
    const [zoom, , , , x, y] = (/matrix\(([^)]*)\)/.exec(transform)?.[1] ?? '')
      .split(',')
      .map(Number);
    if (zoom === undefined || x === undefined || y === undefined) {
      throw new Error(`unexpected viewport transform ${transform}`);
    }
    return { x, y, zoom };
  }

  async select(id: string): Promise<void> {
    await this.node(id).locator('.weft-node-head').click();
  }

  async fitView(): Promise<void> {
    await this.page.getByRole('button', { name: 'Fit View' }).click();
  }

  async pickSample(name: string): Promise<void> {
    await this.page.getByLabel('Preview sample').selectOption(name);
  }

  async undo(): Promise<void> {
    await this.page.getByRole('button', { name: 'Undo', exact: true }).click();
  }

  async redo(): Promise<void> {
    await this.page.getByRole('button', { name: 'Redo', exact: true }).click();
  }
}
