// A sub-workflow node runs the user's own workflow of that id in the preview,
// and an edit saved in that workflow shows up in the caller's next run.
import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

async function importDefinition(page: Page, name: string, definition: object) {
  await page.getByLabel('Import a workflow file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(definition)),
  });
}

const child = (expression: string) => ({
  format: 'weft/v1',
  id: 'pricing-rule',
  name: 'Pricing rule',
  nodes: [
    { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
    { id: 'price', kind: 'transform', config: { expression }, position: { x: 250, y: 0 } },
    { id: 'done', kind: 'output', position: { x: 500, y: 0 } },
  ],
  edges: [
    { source: 'start', target: 'price' },
    { source: 'price', target: 'done' },
  ],
});

const parent = {
  format: 'weft/v1',
  id: 'quote',
  name: 'Quote',
  input: { samples: [{ name: 'two', data: { qty: 2 } }] },
  nodes: [
    { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
    {
      id: 'priced',
      kind: 'subworkflow',
      config: { workflow: 'pricing-rule', input: 'qty' },
      position: { x: 250, y: 0 },
    },
  ],
  edges: [{ source: 'start', target: 'priced' }],
};

test("a sub-workflow node runs the workspace's workflow of that id", async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.open();
  const name = page.getByRole('textbox', { name: 'Workflow name' });

  await importDefinition(page, 'pricing.json', child('$ * 7'));
  await expect(name).toHaveValue('Pricing rule');
  await importDefinition(page, 'quote.json', parent);
  await expect(name).toHaveValue('Quote');
  await editor.expectStatus('priced', 'succeeded');
  await expect(editor.preview('priced')).toHaveText('14');

  // Change the rule in its own workflow, then come back to the caller.
  await page.getByRole('button', { name: /^Workflows/ }).click();
  await page
    .getByRole('region', { name: 'Workflows' })
    .getByRole('button', { name: 'Pricing rule', exact: true })
    .click();
  await expect(name).toHaveValue('Pricing rule');
  await editor.node('price').click();
  const field = page.getByLabel('Expression', { exact: true });
  await field.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('$ * 100');
  await expect(field).toHaveText('$ * 100');
  await page.getByRole('button', { name: /^Workflows/ }).click();
  await page
    .getByRole('region', { name: 'Workflows' })
    .getByRole('button', { name: 'Quote', exact: true })
    .click();
  await expect(name).toHaveValue('Quote');
  await expect(editor.preview('priced')).toHaveText('200');
});
