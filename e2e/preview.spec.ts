import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

/** Replaces the text of one of the inspector's expression fields in one input event. */
async function setExpression(page: Page, label: string, text: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

test('a first visit opens purchase-order approval with its preview showing', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  await expect(editor.runStatus).toContainText('Succeeded');
  for (const id of ['start', 'policy', 'total', 'budget', 'erp', 'ordered']) {
    await editor.expectStatus(id, 'succeeded');
  }
  await editor.expectStatus('approve', 'skipped');
  // The card shows the start of the preview; the whole of it is its tooltip.
  await expect(editor.preview('total')).toContainText('{"requester":"Dana');
  await expect(editor.preview('total')).toHaveAttribute('title', /"requester":"Dana Whitfield"/);
  await expect(editor.node('budget')).toContainText('→ false');
  await expect(editor.edgeLine('budget', 'false', 'erp')).toHaveClass(/edge-taken/);
  await expect(editor.edgeLine('budget', 'true', 'approve')).toHaveClass(/edge-dimmed/);
});

test('replies come through shared memory: with the reply channel silenced, edits still preview', async ({
  page,
}) => {
  // The page never hears the worker's reply channel, so every preview,
  // the first one included, can only arrive through the reply mailbox
  // (engine/replyMailbox.ts), which the page may share as it is served
  // cross-origin isolated (vite.config.ts).
  await page.addInitScript(() => {
    const Native = window.BroadcastChannel;
    window.BroadcastChannel = class extends Native {
      constructor(name: string) {
        super(name);
        if (name.startsWith('weft-preview-replies-')) {
          Object.defineProperty(this, 'onmessage', { get: () => null, set: () => undefined });
        }
      }
    };
  });
  const editor = new EditorPage(page);
  await editor.open();
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  await editor.select('total');
  await setExpression(page, 'Expression', '{ "lines": $count(items) }');
  await expect(editor.preview('total')).toHaveText('{"lines":2}');
});

test('without cross-origin isolation (a host without the headers) replies come by message', async ({
  page,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'crossOriginIsolated', { get: () => false });
  });
  const editor = new EditorPage(page);
  await editor.open();
  await editor.select('total');
  await setExpression(page, 'Expression', '{ "lines": $count(items) }');
  await expect(editor.preview('total')).toHaveText('{"lines":2}');
  await setExpression(page, 'Expression', '{ "lines": $count(items) * 10 }');
  await expect(editor.preview('total')).toHaveText('{"lines":20}');
});

test.describe('on a large screen', () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('the main view, for the README', async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.open();
    await editor.pickSample('new laptops');
    await editor.expectStatus('approve', 'succeeded');
    await editor.select('total');
    await expect(page.getByRole('region', { name: 'Node result' })).toContainText('total: 8352');
    await page.screenshot({ path: 'test-results/main-view.png' });
    await page.screenshot({ path: 'docs/screenshot.png' });
  });
});

test('switching the sample switches the branch the run takes', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();

  await editor.pickSample('new laptops');
  await editor.expectStatus('approve', 'succeeded');
  await expect(editor.node('budget')).toContainText('→ true');
  await expect(editor.edgeLine('budget', 'true', 'approve')).toHaveClass(/edge-taken/);
  await expect(editor.edgeLine('budget', 'false', 'erp')).toHaveClass(/edge-dimmed/);

  await editor.pickSample('unapproved vendor');
  await editor.expectStatus('policy', 'succeeded');
  await expect(editor.node('policy')).toContainText('→ invalid');
  await editor.expectStatus('total', 'skipped');
  await editor.expectStatus('rejected', 'succeeded');

  await editor.pickSample('office supplies');
  await editor.expectStatus('approve', 'skipped');
  await editor.expectStatus('ordered', 'succeeded');
});

test('a failed node shows its error; its error port carries the run on', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  await editor.pickSample('unmapped department');
  await editor.expectStatus('erp', 'failed');
  await expect(editor.problem('erp')).toBeVisible();
  await expect(editor.problem('erp')).not.toBeEmpty();
  await editor.expectStatus('manual', 'succeeded');
  await expect(editor.edgeLine('erp', 'error', 'manual')).toHaveClass(/edge-taken/);
  await expect(editor.runStatus).toContainText('Succeeded');
});

test('the minimap shows each node in its status colour, follows a moved card, and pans and zooms the canvas', async ({
  page,
}) => {
  // The status colours of src/canvas/nodeVisuals.ts.
  const failed = '#dc2626';
  const succeeded = '#16a34a';
  const editor = new EditorPage(page);
  await editor.open();
  await expect.poll(async () => (await editor.minimapPaint(succeeded)).pixels).toBeGreaterThan(0);
  expect((await editor.minimapPaint(failed)).pixels).toBe(0);

  await editor.pickSample('unmapped department');
  await editor.expectStatus('erp', 'failed');
  await expect.poll(async () => (await editor.minimapPaint(failed)).pixels).toBeGreaterThan(0);
  const failedAt = await editor.minimapPaint(failed);

  // Moving a card changes no status; its rectangle follows it.
  await editor.dragNodeBy('erp', 0, 120);
  await expect
    .poll(async () => (await editor.minimapPaint(failed)).top)
    .toBeGreaterThan(failedAt.top);

  await editor.pickSample('office supplies');
  await editor.expectStatus('erp', 'succeeded');
  await expect.poll(async () => (await editor.minimapPaint(failed)).pixels).toBe(0);

  // Dragging across the minimap moves the view the same way; scrolling on it zooms.
  const before = await editor.viewport();
  const box = await editor.minimap.boundingBox();
  if (!box) throw new Error('minimap not visible');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 10, { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => (await editor.viewport()).x).toBeLessThan(before.x);
  await page.mouse.wheel(0, -200);
  await expect.poll(async () => (await editor.viewport()).zoom).toBeGreaterThan(before.zoom);
});

test('selecting a node shows its full output in the inspector', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  await editor.select('total');
  const result = page.getByRole('region', { name: 'Node result' });
  await expect(result).toContainText('115.5');
});

test('a run that does not end is cut off and shown as timed out; the editor recovers', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();
  const id = await editor.dragFromPalette('Map', { x: 0.45, y: 0.8 });
  await editor.connect('total', 'out', id);
  await editor.expectStatus(id, 'succeeded');

  await setExpression(page, 'Items', '[1..1000]');
  await expect(editor.preview(id)).toContainText('[1,2,3,4,5,6,7,8,9,10,');
  // A hundred thousand additions per item, a thousand items: minutes of work,
  // far past the backstop however fast the evaluator gets.
  await setExpression(page, 'Expression', '$reduce([1..100000], function($a, $b) { $a + $b })');
  await expect(editor.runStatus).toContainText('Timed out', { timeout: 15_000 });
  await editor.expectStatus(id, 'timed-out');

  // The page stayed responsive and a fresh worker takes the next edit.
  await setExpression(page, 'Expression', '$ * 2');
  await expect(editor.preview(id)).toContainText('[2,4,6,8,10,12,14,16,18,20');
  await editor.expectStatus(id, 'succeeded');
  await expect(editor.runStatus).toContainText('Succeeded');
});
