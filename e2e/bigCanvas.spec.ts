// A big workflow (1,000 nodes) as a person opens and explores it: it opens at
// once on its trigger, with only the cards in view drawn (drawing all of them
// froze the page for seconds), and a card drawn later, as it comes into view,
// has its edges ending at its handles.
import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

const ROWS = 9;
const COLUMNS = 111;
/** A card far right of the opening view, whose failure message makes it taller than most. */
const FAR = 'n40_4';

/** A trigger feeding nine chains of 111 transforms (1,000 nodes), in a grid or with no positions. */
function bigWorkflow(placed: boolean) {
  const nodes: Record<string, unknown>[] = [
    { id: 'start', kind: 'trigger', ...(placed ? { position: { x: 0, y: 0 } } : {}) },
  ];
  const edges: { source: string; target: string }[] = [];
  for (let column = 0; column < COLUMNS; column++) {
    for (let row = 0; row < ROWS; row++) {
      const id = `n${column}_${row}`;
      const expression =
        id === FAR
          ? '$error("this card failed on purpose, with a message long enough to wrap onto a second line")'
          : `{ "step": ${column}, "in": $ }`;
      nodes.push({
        id,
        kind: 'transform',
        config: { expression },
        ...(placed ? { position: { x: 300 * (column + 1), y: 140 * row } } : {}),
      });
      edges.push({ source: column === 0 ? 'start' : `n${column - 1}_${row}`, target: id });
    }
  }
  return { format: 'weft/v1', id: 'big', name: 'Big', nodes, edges };
}

/**
 * Counts the cards on the page from now on: the most there ever were, how many
 * now, and how many were added in all (a card drawn and removed again within
 * one task counts there, though the page never held it at a count).
 */
async function watchCards(page: Page): Promise<() => Promise<CardCounts>> {
  await page.evaluate(() => {
    const count = () => document.querySelectorAll('.react-flow__node').length;
    const state = { most: count(), added: 0 };
    new MutationObserver((records) => {
      state.most = Math.max(state.most, count());
      for (const record of records)
        for (const node of record.addedNodes)
          if (node instanceof Element && node.classList.contains('react-flow__node')) state.added++;
    }).observe(document.body, {
      childList: true,
      subtree: true,
    });
    (window as unknown as { cards: typeof state }).cards = state;
  });
  return () =>
    page.evaluate(() => {
      const { most, added } = (window as unknown as { cards: { most: number; added: number } })
        .cards;
      return { most, added, now: document.querySelectorAll('.react-flow__node').length };
    });
}

type CardCounts = { most: number; now: number; added: number };

/** The big workflow shown on its trigger, run, with only the cards in view ever drawn. */
async function expectOnTrigger(
  editor: EditorPage,
  cards: () => Promise<CardCounts>,
): Promise<CardCounts> {
  await expect(editor.node('start')).toBeInViewport();
  await expect(editor.runStatus).toHaveAttribute('data-preview-state', 'done');
  await editor.expectStatus('n0_0', 'succeeded');
  const seen = await cards();
  expect(seen.now).toBeLessThan(200);
  expect(seen.most).toBeLessThan(200);
  return seen;
}

async function importBig(page: Page, placed: boolean): Promise<void> {
  await page.getByLabel('Import a workflow file').setInputFiles({
    name: 'big.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bigWorkflow(placed))),
  });
  await expect(page.getByRole('textbox', { name: 'Workflow name' })).toHaveValue('Big');
}

test('a 1,000-node workflow opens on its trigger with only the cards in view drawn', async ({
  page,
}) => {
  test.slow(); // a thousand nodes, and a dozen drags: half a minute on a busy machine
  const editor = new EditorPage(page);
  await editor.open();
  const cards = await watchCards(page);
  await importBig(page, true);
  await expectOnTrigger(editor, cards);
  await expect(editor.node(FAR)).toHaveCount(0);

  // Drag the canvas leftwards, by its empty top strip, until the far card is in view.
  const box = await editor.canvas.boundingBox();
  if (!box) throw new Error('the canvas has no box');
  const y = box.y + 30;
  for (let i = 0; i < 12 && (await editor.node(FAR).count()) === 0; i++) {
    await page.mouse.move(box.x + box.width - 60, y);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, y, { steps: 8 });
    await page.mouse.up();
  }
  await expect(editor.node(FAR)).toBeVisible();
  await editor.expectStatus(FAR, 'failed');
  expect((await cards()).now).toBeLessThan(200);

  // Its edge in ends where its input handle is drawn (measured, not guessed).
  const edge = page.getByRole('group', { name: `Edge from n39_4 to ${FAR}` });
  const handle = await editor.inHandle(FAR).boundingBox();
  if (!handle) throw new Error('the far card has no input handle');
  await expect(async () => {
    const end = await edge
      .locator('path.react-flow__edge-path')
      .evaluate((path: SVGPathElement) => {
        const at = path.getPointAtLength(path.getTotalLength());
        const screen = new DOMPoint(at.x, at.y).matrixTransform(path.getScreenCTM() ?? undefined);
        return { x: screen.x, y: screen.y };
      });
    expect(Math.abs(end.x - handle.x)).toBeLessThan(1.5);
    expect(Math.abs(end.y - (handle.y + handle.height / 2))).toBeLessThan(1.5);
  }).toPass({ timeout: 5_000 });

  // Fit view zooms out over the graph (as far as the canvas zooms out), the
  // cards never drawn before included: many more cards come into view.
  await page.getByRole('button', { name: 'Fit View' }).click();
  await expect.poll(async () => (await cards()).now).toBeGreaterThan(150);
});

test('deleting every node of a 1,000-node workflow, and undoing it, draws only the cards in view', async ({
  page,
}) => {
  test.slow(); // a thousand nodes deleted and brought back
  const editor = new EditorPage(page);
  await editor.open();
  await importBig(page, true);
  await expect(editor.runStatus).toHaveAttribute('data-preview-state', 'done');
  const cards = await watchCards(page);

  // Select everything and delete it, as a person does, from the canvas.
  await editor.canvas.click({ position: { x: 8, y: 8 } });
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await expect.poll(async () => (await cards()).now).toBe(0);
  // Deleting drew no card: not the thousand out of view, unculled, on their way out.
  expect((await cards()).added).toBe(0);

  // Undo brings them back where they were (the view did not move), the cards
  // in view drawn, the others not.
  await editor.undo();
  expect((await expectOnTrigger(editor, cards)).added).toBeLessThan(200);
});

test('a 1,000-node workflow without positions is laid out without drawing every card', async ({
  page,
}) => {
  test.slow(); // elk lays out 1,000 nodes in its worker: seconds on a busy machine
  const editor = new EditorPage(page);
  await editor.open();
  const cards = await watchCards(page);
  await importBig(page, false);
  // Its cards wait in a grid while elk works, and the canvas says so.
  const notice = page.getByRole('status').filter({ hasText: 'Laying out 1000 nodes…' });
  await expect(notice).toBeVisible();
  await expect(editor.runStatus).toHaveAttribute('data-preview-state', 'done');
  await expect(notice).toHaveCount(0, { timeout: 60_000 });
  // Laid out, it opens on its trigger like any big workflow.
  await expect(editor.node('start')).toBeInViewport();
  await expect(editor.node(FAR)).toHaveCount(0);
  const seen = await cards();
  expect(seen.most).toBeLessThan(200);
  expect(seen.now).toBeLessThan(200);
});
