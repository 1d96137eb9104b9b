// The inspector and workflow settings, driven as a person would: click a node,
// type into its fields, and read what the canvas and the inspector show. Runs
// on the purchase-order sample that a first visit opens.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { EditorPage } from './pages/editorPage.ts';

function node(page: Page, id: string): Locator {
  return new EditorPage(page).node(id);
}

function inspector(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Inspector' });
}

async function openPurchaseOrder(page: Page): Promise<void> {
  // The first visit opens the sample with its preview already run.
  await new EditorPage(page).open();
  await expect(node(page, 'total')).toHaveAttribute('data-status', 'succeeded');
}

async function selectNode(page: Page, id: string): Promise<void> {
  await new EditorPage(page).select(id);
  await expect(inspector(page).locator('.node-id')).toHaveText(id);
}

async function clearSelection(page: Page): Promise<void> {
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  await expect(inspector(page).getByLabel('Input schema')).toBeVisible();
}

/** Replaces the text of a CodeMirror field the way a person does: select all, type. */
async function typeCode(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.pressSequentially(text);
}

test('editing a node label and expression updates the canvas, and a syntax error is flagged then fixed', async ({
  page,
}) => {
  await openPurchaseOrder(page);
  await selectNode(page, 'total');
  const panel = inspector(page);

  const label = panel.getByLabel('Label', { exact: true });
  await expect(label).toHaveValue('Order total');
  await label.fill('Order sum');
  await expect(node(page, 'total').locator('.weft-node-label')).toHaveText('Order sum');

  const expression = panel.getByRole('textbox', { name: 'Expression', exact: true });
  const expressionField = panel
    .locator('.field')
    .filter({ has: page.getByRole('textbox', { name: 'Expression', exact: true }) });
  // Brackets close themselves as in any code editor; the dangling operator is the error.
  await typeCode(expression, '$sum(items.(quantity * unitPrice)) *');
  await expect(expressionField.locator('.field-error')).toContainText(/end of expression/i);
  await expect(panel.locator('.cm-lintRange-error')).toHaveCount(1);
  await expect(node(page, 'total')).toHaveAttribute('data-invalid', 'true');

  await expression.press('Backspace');
  await expression.press('Backspace');
  await expect(panel.locator('.cm-lintRange-error')).toHaveCount(0);
  await expect(node(page, 'total')).not.toHaveAttribute('data-invalid', 'true');
  // office supplies: 10 × 4.20 + 3 × 24.50
  await expect(expressionField.locator('.live-value')).toContainText('115.5');
  await expect(new EditorPage(page).preview('total')).toContainText('115.5');
  await page.screenshot({ path: 'test-results/inspector-node.png' });
});

test('while an expression does not parse, the canvas and the inspector keep the last run, and say so', async ({
  page,
}) => {
  await openPurchaseOrder(page);
  const editor = new EditorPage(page);
  await selectNode(page, 'total');
  const panel = inspector(page);
  const result = panel.getByRole('region', { name: 'Node result' });
  await expect(result).toContainText('115.5');
  const budget = await editor.preview('budget').textContent();
  const cardHeight = (await editor.node('total').boundingBox())?.height;

  const expression = panel.getByRole('textbox', { name: 'Expression', exact: true });
  const expressionField = panel
    .locator('.field')
    .filter({ has: page.getByRole('textbox', { name: 'Expression', exact: true }) });
  await expression.click();
  await expression.press('ControlOrMeta+End');
  await expression.pressSequentially(' *');
  await expect(editor.runStatus).toHaveAttribute('data-preview-state', 'invalid');
  await expect(editor.node('total')).toHaveAttribute('data-invalid', 'true');
  // The broken card shows the error on its one line, the whole message in its
  // title, and keeps its height: nothing on the canvas jumps.
  const problem = editor.node('total').locator('.weft-node-problem');
  await expect(problem).toHaveAttribute('title', /end of expression/i);
  expect((await editor.node('total').boundingBox())?.height).toBe(cardHeight);
  // The other cards keep their last results, and the edges their looks,
  // instead of going blank; the canvas says what it shows.
  const notice = page.locator('.canvas').getByRole('status');
  await expect(notice).toHaveText('Showing the last run: the workflow has errors');
  await expect(editor.node('budget')).toHaveAttribute('data-status', 'succeeded');
  await expect(editor.preview('budget')).toHaveText(budget ?? '');
  await expect(editor.edgeLine('budget', 'false', 'erp')).toHaveClass(/edge-taken/);
  await expect(panel.getByRole('region', { name: 'Run', exact: true })).toContainText(
    'Not run: the workflow has errors',
  );
  // The inspector keeps the node's last result, said to be from before the
  // error; under the field, the error instead of its live value.
  await expect(result.getByRole('heading')).toHaveText('Last run · before the errors');
  await expect(result).toContainText('115.5');
  await expect(expressionField.locator('.field-error')).toContainText(/end of expression/i);
  await expect(expressionField.locator('.live-value')).toHaveCount(0);

  await expression.press('Backspace');
  await expression.press('Backspace');
  await expect(editor.runStatus).toHaveAttribute('data-preview-state', 'done');
  await expect(notice).toHaveCount(0);
  await expect(result.getByRole('heading')).toHaveText('Last run');
  await expect(expressionField.locator('.live-value')).toContainText('115.5');
});

test('expression completions offer the nodes upstream, and accepting one keeps the preview running', async ({
  page,
}) => {
  await openPurchaseOrder(page);
  await selectNode(page, 'budget');
  const expression = inspector(page).getByRole('textbox', { name: 'Expression', exact: true });
  await expression.click();
  await expression.press('End');
  await expression.pressSequentially(' and $nodes.');
  const completions = page.locator('.cm-tooltip-autocomplete');
  await expect(completions).toContainText('total');
  await expect(completions).toContainText('policy');
  await expect(completions).not.toContainText('erp');
  await completions.getByText('total', { exact: true }).click();
  await expression.pressSequentially('.total > 0');
  await expect(expression).toHaveText('total > 5000 and $nodes.total.total > 0');
  await expect(node(page, 'budget')).toHaveAttribute('data-status', 'succeeded');
});

test('switching the sample with the picker changes the branch the condition takes', async ({
  page,
}) => {
  await openPurchaseOrder(page);
  await selectNode(page, 'budget');
  const panel = inspector(page);
  await expect(panel.locator('.live-value')).toContainText('→ false');
  await expect(node(page, 'approve')).toHaveAttribute('data-status', 'skipped');

  await clearSelection(page);
  await panel.getByLabel('Sample', { exact: true }).selectOption('new laptops');
  await expect(node(page, 'approve')).toHaveAttribute('data-status', 'succeeded');
  await expect(panel.locator('.sample.is-active legend')).toHaveText('new laptops');

  await selectNode(page, 'budget');
  await expect(panel.locator('.live-value')).toContainText('→ true');
  await expect(panel.getByRole('region', { name: 'Node result' })).toContainText('8352');
});

test('a sample with invalid JSON shows the error and keeps the text; one that breaks the schema is flagged', async ({
  page,
}) => {
  await openPurchaseOrder(page);
  await clearSelection(page);
  const panel = inspector(page);
  const sample = panel.getByRole('group', { name: 'office supplies' });
  const data = sample.getByLabel('Data', { exact: true });

  const broken = '{ "requester": "Dana", "department": ';
  await data.fill(broken);
  await expect(sample.locator('.field-error')).toContainText('Invalid JSON');
  await expect(data).toHaveValue(broken);
  // The preview keeps the last good sample meanwhile.
  await expect(node(page, 'total')).toHaveAttribute('data-status', 'succeeded');

  await data.pressSequentially('"Finance" }');
  await expect(sample.locator('.field-error')).toContainText('does not match the input schema');
  await expect(data).toHaveValue('{ "requester": "Dana", "department": "Finance" }');
  await expect(node(page, 'start')).toHaveAttribute('data-status', 'failed');
  await page.screenshot({ path: 'test-results/inspector-settings.png' });

  // The input schema is compiled as it is typed, too: one that accepts the
  // sample clears its flag, and the trigger runs again.
  const schema = panel.getByLabel('Input schema');
  const schemaField = panel.locator('.field').filter({ has: page.getByLabel('Input schema') });
  await schema.fill('{ "type": "object", "required": ["requester", "department"] }');
  await expect(sample.locator('.field-error')).toHaveCount(0);
  await expect(node(page, 'start')).toHaveAttribute('data-status', 'succeeded');
  await schema.fill('{ "type": "object", "required": ["vendor"] }');
  await expect(sample.locator('.field-error')).toContainText('does not match the input schema');
  await expect(node(page, 'start')).toHaveAttribute('data-status', 'failed');
  await schema.fill('{ "type": "objekt" }');
  await expect(schemaField.locator('.field-error')).toContainText('does not compile');
  await schema.fill('[1, 2]');
  await expect(schemaField.locator('.field-error')).toContainText(
    'A JSON Schema is an object, or true or false.',
  );
});

test('a switch case list can be added to, renamed, reordered and trimmed', async ({ page }) => {
  await openPurchaseOrder(page);
  const editor = new EditorPage(page);
  await editor.paletteItem('Switch').click();
  const switchNode = editor.nodesOfKind('switch');
  await expect(switchNode).toHaveCount(1);
  await switchNode.locator('.weft-node-head').click();

  const panel = inspector(page);
  const cases = panel.getByRole('group', { name: 'Cases' });
  await expect(cases.getByLabel('Case 1 port')).toHaveValue('case1');

  await cases.getByRole('button', { name: 'Add case' }).click();
  const secondPort = cases.getByLabel('Case 2 port');
  await expect(secondPort).toHaveValue('case2');
  await secondPort.fill('urgent');
  await typeCode(cases.getByRole('textbox', { name: 'Case 2 expression' }), '$exists(vendor)');
  await expect(switchNode.locator('.weft-port-label')).toHaveText([
    'case1',
    'urgent',
    'default',
    'error',
  ]);

  await cases.getByRole('button', { name: 'Move case 2 up' }).click();
  await expect(cases.getByLabel('Case 1 port')).toHaveValue('urgent');
  await expect(cases.getByRole('textbox', { name: 'Case 1 expression' })).toHaveText(
    '$exists(vendor)',
  );
  await expect(switchNode.locator('.weft-port-label')).toHaveText([
    'urgent',
    'case1',
    'default',
    'error',
  ]);

  await cases.getByRole('button', { name: 'Remove case 2' }).click();
  await expect(switchNode.locator('.weft-port-label')).toHaveText(['urgent', 'default', 'error']);
  await cases.getByLabel('Case 1 port').fill('default');
  await expect(cases).toContainText('"default" is a reserved port name.');
  await page.screenshot({ path: 'test-results/inspector-switch.png' });
});

test('renaming a connected case port keeps its edge, and the preview follows at each key', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('button', { name: 'Open Incident triage' }).click();
  // The first sample is a SEV1 outage: the switch takes its first case.
  const triage = node(page, 'triage');
  await expect(triage.locator('.weft-node-meta')).toContainText('→ critical');
  await selectNode(page, 'triage');
  const port = inspector(page).getByLabel('Case 1 port');
  await expect(port).toHaveValue('critical');
  await port.click();
  await port.press('End');

  // Each key renames the port; its edge follows, and the run goes on through it.
  await port.pressSequentially('Now');
  await expect(port).toHaveValue('criticalNow');
  await expect(triage.locator('.weft-node-meta')).toContainText('→ criticalNow');
  await expect(editor.edgeLine('triage', 'criticalNow', 'summarize')).toHaveClass(/edge-taken/);
  await expect(editor.edge('triage', 'critical', 'summarize')).toHaveCount(0);
  await expect(node(page, 'report')).toHaveAttribute('data-status', 'succeeded');

  await port.press('Backspace');
  await expect(triage.locator('.weft-node-meta')).toContainText('→ criticalNo');
  await expect(editor.edgeLine('triage', 'criticalNo', 'summarize')).toHaveClass(/edge-taken/);

  // One undo takes the typing back (one step per field), still connected.
  await editor.undo();
  await expect(port).toHaveValue('critical');
  await expect(triage.locator('.weft-node-meta')).toContainText('→ critical');
  await expect(editor.edgeLine('triage', 'critical', 'summarize')).toHaveClass(/edge-taken/);
  await expect(node(page, 'report')).toHaveAttribute('data-status', 'succeeded');
});

test('the approval decision and an error mock change the preview', async ({ page }) => {
  await openPurchaseOrder(page);
  await clearSelection(page);
  const panel = inspector(page);
  await panel.getByLabel('Sample', { exact: true }).selectOption('new laptops');
  await expect(node(page, 'approve')).toHaveAttribute('data-status', 'succeeded');

  await selectNode(page, 'approve');
  await panel.getByLabel('Decision').selectOption('rejected');
  await expect(node(page, 'approve').locator('.weft-node-meta')).toContainText('→ rejected');
  await expect(node(page, 'erp')).toHaveAttribute('data-status', 'skipped');

  await panel.getByLabel('Decision').selectOption('approved');
  await expect(node(page, 'erp')).toHaveAttribute('data-status', 'succeeded');

  await selectNode(page, 'erp');
  await panel.getByLabel('Preview result').selectOption('error');
  await expect(panel.getByLabel('Mock', { exact: true })).toHaveValue(/"HTTP_ERROR"/);
  await expect(node(page, 'erp').locator('.weft-node-meta')).toContainText('→ error');
  await page.screenshot({ path: 'test-results/inspector-mock.png' });
});

test('a field changed in the same frame as a keystroke in an expression keeps the keystroke', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.open();
  const id = await editor.dragFromPalette('HTTP', { x: 0.45, y: 0.8 });
  await selectNode(page, id);
  const panel = inspector(page);
  const url = panel.getByRole('textbox', { name: 'URL', exact: true });
  const method = panel.getByLabel('Method', { exact: true });
  await url.click();
  await url.press('ControlOrMeta+End');
  const typed = (await url.textContent()) + ' & "/orders"';
  // As a script or a fast hand might: a keystroke's text goes into the URL
  // and the method changes before the page has drawn a frame. The method's
  // change is made from what the form last rendered, which must hold the URL.
  await page.evaluate(async () => {
    document.execCommand('insertText', false, ' & "/orders"');
    await Promise.resolve();
    const select = [...document.querySelectorAll('label')]
      .find((label) => label.textContent === 'Method')
      ?.parentElement?.querySelector('select');
    if (!select) throw new Error('no Method field');
    select.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    select.value = 'POST';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await expect(method).toHaveValue('POST');
  await expect(url).toHaveText(typed);
  // The definition holds both: the node's fields read back the same.
  await clearSelection(page);
  await selectNode(page, id);
  await expect(method).toHaveValue('POST');
  await expect(url).toHaveText(typed);
});
