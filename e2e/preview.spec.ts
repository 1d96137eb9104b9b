import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

test('a first visit opens purchase-order approval with its preview showing', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  await editor.expectStatus('start', 'succeeded');
  await editor.expectStatus('total', 'succeeded');
  await expect(editor.preview('total')).toContainText('Dana Whitfield');
  await expect(editor.runStatus).toContainText('Succeeded');
  await page.screenshot({ path: 'test-results/main-view.png' });
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
  await page.screenshot({ path: 'test-results/zoomed.png' });
});
