import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

/** The inspector's expression field for the selected node (a CodeMirror editor). */
async function typeExpression(page: Page, text: string): Promise<void> {
  const field = page.getByLabel('Expression', { exact: true });
  await field.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

test('drag a Transform in, connect it, type an expression and see its output', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();

  const id = await editor.dragFromPalette('Transform', { x: 0.45, y: 0.8 });
  expect(id).toBe('transform1');
  await expect(editor.node(id)).toHaveAttribute('data-kind', 'transform');

  await editor.connect('total', 'out', id);
  await editor.expectStatus(id, 'succeeded');

  await typeExpression(page, 'total * 2');
  // office supplies: 10 × 4.20 + 3 × 24.50 = 115.50
  await expect(editor.preview(id)).toHaveText('231');

  await typeExpression(page, 'total *');
  await expect(editor.node(id)).toHaveAttribute('data-invalid', 'true');
  await expect(editor.problem(id)).toBeVisible();
  await expect(page.getByLabel('Expression', { exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await expect(editor.runStatus).toContainText('Invalid');

  await typeExpression(page, '{ "doubled": total * 2, "lines": $count(items) }');
  await expect(editor.node(id)).not.toHaveAttribute('data-invalid', 'true');
  await expect(editor.preview(id)).toHaveText('{"doubled":231,"lines":2}');
  await editor.expectStatus(id, 'succeeded');
});

test('undo and redo step through additions and connections', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  const id = await editor.dragFromPalette('Transform', { x: 0.45, y: 0.8 });
  await editor.connect('total', 'out', id);
  await editor.expectStatus(id, 'succeeded');

  await editor.undo();
  await expect(editor.node(id)).toBeVisible();
  await editor.expectStatus(id, 'skipped');
  await editor.undo();
  await expect(editor.node(id)).toHaveCount(0);

  await editor.redo();
  await expect(editor.node(id)).toBeVisible();
  await editor.redo();
  await editor.expectStatus(id, 'succeeded');

  // Keyboard: with the canvas focused, Ctrl+Z and Ctrl+Shift+Z do the same.
  await editor.select('policy');
  await page.keyboard.press('ControlOrMeta+Z');
  await editor.expectStatus(id, 'skipped');
  await page.keyboard.press('ControlOrMeta+Shift+Z');
  await editor.expectStatus(id, 'succeeded');
});

test('a whole drag is one undo step, and moving a node does not re-run the preview', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();
  const generation = await editor.runStatus.getAttribute('data-generation');
  expect(generation).toMatch(/^[1-9]\d*$/);
  const before = await editor.node('budget').boundingBox();
  await editor.dragNodeBy('budget', 60, 120);
  const after = await editor.node('budget').boundingBox();
  expect(after && before && after.y - before.y).toBeGreaterThan(20);
  await expect(editor.runStatus).toHaveAttribute('data-generation', generation ?? '');

  await editor.undo();
  await expect
    .poll(async () => Math.round((await editor.node('budget').boundingBox())?.y ?? 0))
    .toBe(Math.round(before?.y ?? 0));
});

test('a connection the format forbids is refused with its reason', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  const edgesBefore = await page.locator('.react-flow__edge').count();

  // budget is downstream of total: total -> budget -> ... -> total would be a cycle.
  await editor.connect('budget', 'false', 'total');
  await expect(editor.refusal).toContainText('cycle');
  await expect(page.locator('.react-flow__edge')).toHaveCount(edgesBefore);

  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(editor.refusal).toHaveCount(0);

  await editor.connect('start', 'out', 'policy');
  await expect(editor.refusal).toContainText('already connected');
  await expect(page.locator('.react-flow__edge')).toHaveCount(edgesBefore);
});

test('select, multi-select, copy, paste and delete with the keyboard', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  const count = await editor.nodes().count();

  await editor.select('total');
  await editor
    .node('budget')
    .locator('.weft-node-head')
    .click({ modifiers: ['Shift'] });
  await expect(editor.node('total')).toHaveClass(/is-selected/);
  await expect(editor.node('budget')).toHaveClass(/is-selected/);

  await page.keyboard.press('ControlOrMeta+C');
  await page.keyboard.press('ControlOrMeta+V');
  await expect(editor.nodes()).toHaveCount(count + 2);
  await expect(editor.node('total1')).toHaveClass(/is-selected/);
  await expect(editor.node('budget1')).toBeVisible();

  await page.keyboard.press('Delete');
  await expect(editor.nodes()).toHaveCount(count);
  await expect(editor.node('total1')).toHaveCount(0);

  await editor.select('budget');
  await page.keyboard.press('ControlOrMeta+D');
  await expect(editor.node('budget1')).toBeVisible();
  await page.keyboard.press('Backspace');
  await expect(editor.node('budget1')).toHaveCount(0);
});

test('clicking a palette item adds it; search narrows the palette; help lists the shortcuts', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();

  await page.getByLabel('Search nodes').fill('cond');
  await expect(editor.paletteItem('Condition')).toBeVisible();
  await expect(editor.paletteItem('Transform')).toHaveCount(0);
  await editor.paletteItem('Condition').click();
  await expect(editor.node('condition1')).toBeVisible();
  await expect(editor.node('condition1').getByText('true', { exact: true })).toBeVisible();
  await expect(editor.node('condition1').getByText('false', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Duplicate');
  await expect(help).toContainText('Undo');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('an edge can be selected and deleted with the keyboard', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  // office supplies is under the limit: budget -> false -> erp is the path the run takes.
  await editor.expectStatus('erp', 'succeeded');
  await editor.edge('budget', 'false', 'erp').click();
  await expect(editor.edge('budget', 'false', 'erp')).toHaveClass(/selected/);
  await page.keyboard.press('Delete');
  await expect(editor.edge('budget', 'false', 'erp')).toHaveCount(0);
  await editor.expectStatus('erp', 'skipped');
  await editor.expectStatus('budget', 'succeeded');
});

test('auto layout arranges the graph left to right, as one undo step', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  const x = async (id: string) => (await editor.node(id).boundingBox())?.x ?? NaN;

  await editor.dragNodeBy('ordered', -700, 120);
  await expect.poll(async () => (await x('ordered')) < (await x('erp'))).toBe(true);

  await page.getByRole('button', { name: 'Auto layout' }).click();
  await expect.poll(async () => (await x('ordered')) > (await x('erp'))).toBe(true);
  await expect.poll(async () => (await x('erp')) > (await x('budget'))).toBe(true);
  await expect.poll(async () => (await x('policy')) > (await x('start'))).toBe(true);

  await editor.undo();
  await expect.poll(async () => (await x('ordered')) < (await x('erp'))).toBe(true);
});
