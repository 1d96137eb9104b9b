// Export to AWS Step Functions from the editor: a workflow that can be
// expressed downloads as an ASL state machine with its placeholders listed;
// one that cannot lists, per node, why, and a click selects that node.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

async function openExportMenu(page: Page) {
  await page.getByRole('button', { name: 'More export formats' }).click();
  return page.getByRole('menu', { name: 'Export formats' });
}

test('the purchase-order sample exports as a JSONata state machine, placeholders listed', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();

  const download = page.waitForEvent('download');
  await (
    await openExportMenu(page)
  )
    .getByRole('menuitem', { name: 'Export to Step Functions (ASL)' })
    .click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.asl\.json$/);
  const machine = JSON.parse(await readFile(await file.path(), 'utf8')) as Record<string, unknown>;
  expect(machine['QueryLanguage']).toBe('JSONata');
  expect(typeof machine['StartAt']).toBe('string');
  expect(Object.keys(machine['States'] as object).length).toBeGreaterThan(3);

  const dialog = page.getByRole('dialog', { name: 'Exported to Step Functions' });
  await expect(dialog).toContainText(file.suggestedFilename());
  await expect(dialog.getByRole('list', { name: 'Placeholders to fill in' })).toContainText(
    /REPLACE|placeholder|fill/i,
  );
  await page.screenshot({ path: 'test-results/export-asl-done.png' });
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
});

test('a workflow Step Functions cannot express lists the reasons by node; a click selects it', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();

  // Two parallel branches re-joined in a transform, not a merge.
  const fanIn = {
    format: 'weft/v1',
    id: 'fan-in',
    name: 'Fan in',
    nodes: [
      { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
      { id: 'a', kind: 'transform', config: { expression: '1' }, position: { x: 250, y: -80 } },
      { id: 'b', kind: 'transform', config: { expression: '2' }, position: { x: 250, y: 80 } },
      { id: 'join', kind: 'transform', config: { expression: '$' }, position: { x: 500, y: 0 } },
    ],
    edges: [
      { source: 'start', target: 'a' },
      { source: 'start', target: 'b' },
      { source: 'a', target: 'join' },
      { source: 'b', target: 'join' },
    ],
  };
  await page.getByLabel('Import a workflow file').setInputFiles({
    name: 'fan-in.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(fanIn)),
  });
  await expect(page.getByRole('textbox', { name: 'Workflow name' })).toHaveValue('Fan in');
  await expect(editor.node('join')).toBeVisible();

  let downloaded = false;
  page.on('download', () => (downloaded = true));
  await (
    await openExportMenu(page)
  )
    .getByRole('menuitem', { name: 'Export to Step Functions (ASL)' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Cannot export to Step Functions' });
  const reasons = dialog.getByRole('list', { name: 'Why it cannot be exported' });
  await expect(reasons).toContainText('join');
  await expect(reasons).toContainText('"start" -> "a"');
  await page.screenshot({ path: 'test-results/export-asl-refused.png' });

  await reasons.getByRole('button', { name: 'Select node join' }).click();
  await expect(dialog).toBeHidden();
  await expect(editor.node('join')).toHaveClass(/is-selected/);
  expect(downloaded).toBe(false);
});
