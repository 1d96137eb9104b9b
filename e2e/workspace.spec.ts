// The workspace as a person uses it: work survives reloads and closed tabs,
// several workflows live side by side, files go in and out without ever
// replacing stored work, and unreadable storage leads to a recovery view.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';

const SAMPLE_NAME = 'Purchase order approval';

function nameField(page: Page) {
  return page.getByRole('textbox', { name: 'Workflow name' });
}

function saveStatus(page: Page) {
  return page.locator('.ws-save');
}

function canvasNodes(page: Page) {
  return page.locator('[data-node-id]');
}

async function openApp(page: Page, expectedName = SAMPLE_NAME) {
  await page.goto('/');
  await expect(nameField(page)).toHaveValue(expectedName);
  await expect(saveStatus(page)).toHaveText('Saved');
}

async function openWorkflowMenu(page: Page) {
  const toggle = page.getByRole('button', { name: /^Workflows/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return page.getByRole('region', { name: 'Workflows' });
}

async function importFile(page: Page, name: string, contents: string | Buffer) {
  await page.getByLabel('Import a workflow file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: typeof contents === 'string' ? Buffer.from(contents) : contents,
  });
}

async function exportOpenWorkflow(page: Page): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const file = await download;
  return readFile(await file.path(), 'utf8');
}

test('the first visit opens the purchase-order sample with its preview, and a reload restores the work', async ({
  page,
}) => {
  await openApp(page);
  await expect(canvasNodes(page).first()).toBeVisible();
  const nodeCount = await canvasNodes(page).count();
  expect(nodeCount).toBeGreaterThan(3);
  // The preview ran: nodes show a run status, not idle.
  await expect(page.locator('[data-node-id][data-status="succeeded"]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/workspace-first-visit.png' });

  await nameField(page).fill('Purchase orders, reviewed');
  await page.getByLabel('Preview sample').selectOption('new laptops');
  await expect(saveStatus(page)).toHaveText('Saved');
  await page.reload();

  await expect(nameField(page)).toHaveValue('Purchase orders, reviewed');
  await expect(canvasNodes(page)).toHaveCount(nodeCount);
  // The session comes back too: the preview runs on the sample chosen before.
  await expect(page.getByLabel('Preview sample')).toHaveValue('new laptops');
});

test('the gallery opens a sample as a new workflow', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Gallery' }).click();
  const gallery = page.getByRole('dialog', { name: 'Gallery' });
  await expect(gallery.getByRole('heading', { name: 'Incident triage' })).toBeVisible();
  await expect(gallery.getByRole('heading', { name: 'Employee onboarding' })).toBeVisible();
  await gallery.getByRole('button', { name: 'Open Incident triage' }).click();
  await expect(gallery).toBeHidden();
  await expect(nameField(page)).toHaveValue('Incident triage');
  await expect(page.locator('[data-node-id][data-status="succeeded"]').first()).toBeVisible();

  const menu = await openWorkflowMenu(page);
  const names = await menu.locator('.ws-workflow-name').allTextContents();
  expect(names.sort()).toEqual(['Incident triage', SAMPLE_NAME]);
});

test('a full storage quota is reported, and the edit is saved once there is room', async ({
  page,
}) => {
  // Lets the test fill the "disk": while the flag is set, every IndexedDB write
  // fails the way a full quota does.
  await page.addInitScript(() => {
    const scope = globalThis as unknown as {
      __storageFull?: boolean;
      IDBObjectStore: { prototype: Record<string, (...args: unknown[]) => unknown> };
      DOMException: new (message: string, name: string) => Error;
    };
    const proto = scope.IDBObjectStore.prototype;
    for (const method of ['add', 'put'] as const) {
      const original = proto[method]!;
      proto[method] = function (this: unknown, ...args: unknown[]) {
        if (scope.__storageFull) {
          throw new scope.DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return original.apply(this, args);
      };
    }
  });
  await openApp(page);
  await page.evaluate(() => {
    (globalThis as { __storageFull?: boolean }).__storageFull = true;
  });
  await nameField(page).fill('Does not fit');
  await expect(saveStatus(page)).toHaveText('Storage full');
  await expect(page.getByRole('alert').filter({ hasText: 'Storage is full' })).toBeVisible();

  await page.evaluate(() => {
    (globalThis as { __storageFull?: boolean }).__storageFull = false;
  });
  await nameField(page).fill('Fits now');
  await expect(saveStatus(page)).toHaveText('Saved');
  await page.reload();
  await expect(nameField(page)).toHaveValue('Fits now');
});

test('workflows can be created, renamed, switched, duplicated and deleted', async ({ page }) => {
  await openApp(page);
  const sampleNodes = await canvasNodes(page).count();

  let menu = await openWorkflowMenu(page);
  await menu.getByRole('button', { name: 'New workflow' }).click();
  await expect(nameField(page)).toHaveValue('Untitled workflow');
  await expect(canvasNodes(page)).toHaveCount(1);

  menu = await openWorkflowMenu(page);
  await menu.getByRole('button', { name: 'Rename Untitled workflow' }).click();
  const rename = menu.getByRole('textbox', { name: 'New name for Untitled workflow' });
  await rename.fill('Vendor onboarding');
  await rename.press('Enter');
  await expect(nameField(page)).toHaveValue('Vendor onboarding');

  menu = await openWorkflowMenu(page);
  await expect(
    menu.getByRole('button', { name: 'Vendor onboarding', exact: true }),
  ).toHaveAttribute('aria-current', 'true');
  await menu.getByRole('button', { name: SAMPLE_NAME, exact: true }).click();
  await expect(nameField(page)).toHaveValue(SAMPLE_NAME);
  await expect(canvasNodes(page)).toHaveCount(sampleNodes);

  menu = await openWorkflowMenu(page);
  await page.screenshot({ path: 'test-results/workspace-menu.png' });
  await menu.getByRole('button', { name: `Duplicate ${SAMPLE_NAME}` }).click();
  await expect(nameField(page)).toHaveValue(`${SAMPLE_NAME} (copy)`);
  await expect(canvasNodes(page)).toHaveCount(sampleNodes);

  menu = await openWorkflowMenu(page);
  await menu.getByRole('button', { name: `Delete ${SAMPLE_NAME} (copy)` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete "${SAMPLE_NAME} (copy)"?` });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(nameField(page)).not.toHaveValue(`${SAMPLE_NAME} (copy)`);

  // The list survives a reload, and the workflow open last is open again.
  await page.reload();
  await expect(saveStatus(page)).toHaveText('Saved');
  const openName = await nameField(page).inputValue();
  menu = await openWorkflowMenu(page);
  const names = await menu.locator('.ws-workflow-name').allTextContents();
  expect(names.sort()).toEqual([SAMPLE_NAME, 'Vendor onboarding']);
  await expect(menu.getByRole('button', { name: openName, exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
});

test('an earlier version comes back from the version history', async ({ page }) => {
  await openApp(page);
  for (const name of ['First rename', 'Second rename']) {
    await nameField(page).fill(name);
    await expect(saveStatus(page)).toHaveText('Saved');
  }
  const menu = await openWorkflowMenu(page);
  await menu.getByRole('button', { name: /^Version history/ }).click();
  const history = page.getByRole('dialog', { name: 'Version history' });
  const versions = history.getByRole('list', { name: 'Saved versions' }).getByRole('listitem');
  await expect(versions).toHaveCount(3);
  await expect(versions.first()).toContainText('Second rename');
  await expect(versions.first()).toContainText('Current');
  await page.screenshot({ path: 'test-results/workspace-history.png' });
  await expect(versions.last()).toContainText(SAMPLE_NAME);
  await versions
    .last()
    .getByRole('button', { name: /^Restore/ })
    .click();
  await expect(history).toBeHidden();

  await expect(nameField(page)).toHaveValue(SAMPLE_NAME);
  await expect(saveStatus(page)).toHaveText('Saved');
  await page.reload();
  await expect(nameField(page)).toHaveValue(SAMPLE_NAME);
  // The version it replaced is still there.
  await (await openWorkflowMenu(page)).getByRole('button', { name: /^Version history/ }).click();
  await expect(versions).toHaveCount(4);
  await expect(versions.nth(1)).toContainText('Second rename');
});

test('a broken import shows a clear error and leaves the workspace unchanged', async ({ page }) => {
  await openApp(page);
  await nameField(page).fill('My edited order flow');
  await expect(saveStatus(page)).toHaveText('Saved');
  const before = await exportOpenWorkflow(page);

  await importFile(page, 'broken.json', '{"format": "weft/v1", "nodes": [');
  let report = page.getByRole('dialog', { name: 'Cannot import broken.json' });
  await expect(report).toContainText('The file is not valid JSON');
  await expect(report).toContainText('Your workspace is unchanged.');
  await report.getByRole('button', { name: 'OK' }).click();

  await importFile(
    page,
    'shape.json',
    JSON.stringify({
      format: 'weft/v1',
      id: 'x',
      name: 'x',
      nodes: [{ kind: 'trigger' }],
      edges: {},
    }),
  );
  report = page.getByRole('dialog', { name: 'Cannot import shape.json' });
  await expect(report).toContainText('not a Weft workflow definition');
  await expect(report.getByRole('list', { name: 'Problems found' })).toContainText('/nodes/0/id');
  await expect(report.getByRole('list', { name: 'Problems found' })).toContainText('/edges');
  await page.screenshot({ path: 'test-results/workspace-import-refused.png' });
  await report.getByRole('button', { name: 'OK' }).click();

  // A definition with a cycle: the engine's errors are listed with their paths.
  const cyclic = {
    format: 'weft/v1',
    id: 'loop',
    name: 'Loop',
    nodes: [
      { id: 'start', kind: 'trigger' },
      { id: 'a', kind: 'transform', config: { expression: '$' } },
      { id: 'b', kind: 'transform', config: { expression: '$' } },
    ],
    edges: [
      { source: 'start', target: 'a' },
      { source: 'a', target: 'b' },
      { source: 'b', target: 'a' },
    ],
  };
  await importFile(page, 'loop.json', JSON.stringify(cyclic));
  report = page.getByRole('dialog', { name: /loop\.json/ });
  await expect(report.getByRole('list', { name: 'Problems found' })).toContainText(/cycle/i);
  await report.getByRole('button', { name: 'OK' }).click();

  // Too large to read at all.
  await importFile(page, 'huge.json', Buffer.alloc(6 * 1024 * 1024, 0x20));
  report = page.getByRole('dialog', { name: 'Cannot import huge.json' });
  await expect(report).toContainText('too large');
  await report.getByRole('button', { name: 'OK' }).click();

  await expect(nameField(page)).toHaveValue('My edited order flow');
  expect(await exportOpenWorkflow(page)).toBe(before);
  const menu = await openWorkflowMenu(page);
  await expect(menu.locator('.ws-workflow-name')).toHaveCount(1);
});

test('an exported definition re-imports as a new workflow with the same definition', async ({
  page,
}) => {
  await openApp(page);
  await nameField(page).fill('Round trip');
  await expect(saveStatus(page)).toHaveText('Saved');
  const exported = await exportOpenWorkflow(page);
  const definition = JSON.parse(exported) as { format: string; name: string; nodes: unknown[] };
  expect(definition.format).toBe('weft/v1');
  expect(definition.name).toBe('Round trip');

  // Change the open workflow so the import is visibly a different one.
  await nameField(page).fill('Changed after export');
  await expect(saveStatus(page)).toHaveText('Saved');

  await importFile(page, 'round-trip.json', exported);
  await expect(page.getByRole('alert').filter({ hasText: 'Imported "Round trip"' })).toBeVisible();
  await expect(nameField(page)).toHaveValue('Round trip');
  await expect(canvasNodes(page)).toHaveCount(definition.nodes.length);
  expect(await exportOpenWorkflow(page)).toBe(exported);

  const menu = await openWorkflowMenu(page);
  const names = await menu.locator('.ws-workflow-name').allTextContents();
  expect(names.sort()).toEqual(['Changed after export', 'Round trip']);
});

test('closing the page right after an edit loses nothing', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openApp(page);
  const before = await canvasNodes(page).count();
  await page
    .getByRole('navigation', { name: 'Node palette' })
    .getByRole('button', { name: 'Transform' })
    .click();
  await expect(canvasNodes(page)).toHaveCount(before + 1);
  await nameField(page).fill('Typed just before closing');
  // No wait for "Saved": the tab goes while the autosave is still waiting to run.
  await page.close();

  const reopened = await context.newPage();
  await openApp(reopened, 'Typed just before closing');
  await expect(canvasNodes(reopened)).toHaveCount(before + 1);
  await expect(reopened.locator('[data-node-id][data-kind="transform"]')).not.toHaveCount(0);
  await context.close();
});

test('a corrupt stored record opens the recovery view, which offers the raw data and the last good version', async ({
  page,
}) => {
  await openApp(page);
  await nameField(page).fill('Before the damage');
  await expect(saveStatus(page)).toHaveText('Saved');

  // Damage the current version the way a crash or a bug elsewhere might.
  const corrupt = '{"format": "weft/v1", "nodes": [ <damaged>';
  await page.evaluate(async (json) => {
    // The page's IndexedDB, typed just enough (this file compiles without the DOM lib).
    interface Request<T> {
      result: T;
      onsuccess: (() => void) | null;
    }
    interface Store {
      getAll(): Request<Array<{ head: number; key: string }>>;
      put(value: unknown): Request<unknown>;
    }
    interface Database {
      transaction(
        stores: string[],
        mode: 'readwrite',
      ): {
        objectStore(name: string): Store;
        oncomplete: (() => void) | null;
      };
      close(): void;
    }
    const { indexedDB } = globalThis as unknown as {
      indexedDB: { open(name: string): Request<Database> };
    };
    const done = <T>(request: Request<T>) =>
      new Promise<T>((resolve) => (request.onsuccess = () => resolve(request.result)));
    const db = await done(indexedDB.open('weft-workspace'));
    const tx = db.transaction(['workflows', 'versions'], 'readwrite');
    const records = await done(tx.objectStore('workflows').getAll());
    for (const record of records) {
      tx.objectStore('versions').put({ vid: record.head, key: record.key, savedAt: 0, json });
    }
    await new Promise<void>((resolve) => (tx.oncomplete = () => resolve()));
    db.close();
  }, corrupt);

  await page.reload();
  const recovery = page.getByRole('dialog', { name: 'Your stored work could not be opened' });
  await expect(recovery).toBeVisible();
  await expect(recovery).toContainText('not valid JSON');
  await page.screenshot({ path: 'test-results/workspace-recovery.png' });

  const download = page.waitForEvent('download');
  await recovery.getByRole('button', { name: 'Download raw data' }).click();
  const raw = await readFile(await (await download).path(), 'utf8');
  expect(raw).toContain(JSON.stringify(corrupt).slice(1, -1));

  // Nothing was written over the damaged record: a second reload still recovers.
  await page.reload();
  await expect(recovery).toBeVisible();

  await recovery.getByRole('button', { name: /^Restore the version saved/ }).click();
  await expect(recovery).toBeHidden();
  await expect(nameField(page)).toHaveValue(SAMPLE_NAME);
  await expect(canvasNodes(page).first()).toBeVisible();
});
