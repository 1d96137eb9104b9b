// The pages the browser benchmark types into: the editor with a workload
// imported and a node's Expression field ready, and the control pages
// (bench/browser/control), a field alone. Each leaves the caret where the
// edits go and returns what the probes watch (probes.ts).

import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page } from '@playwright/test';
import { build } from 'vite';
import {
  editedNode,
  realistic100,
  TYPING_MARKER as MARKER,
  typedAtMarker,
  type Workload,
} from '../workloads.ts';
import { cardPreview, type ProbeTarget } from './probes.ts';

/**
 * The workload as a file a user would import: its input becomes the preview
 * sample. The workloads come without positions (the editor lays them out on
 * opening); `placed` gives each node one, in a grid of ten rows.
 */
export function importableFile(workload: Workload, placed = false): string {
  const nodes = placed
    ? workload.definition.nodes.map((node, i) => ({
        ...node,
        position: { x: Math.floor(i / 10) * 300, y: (i % 10) * 140 },
      }))
    : workload.definition.nodes;
  const definition = {
    ...workload.definition,
    nodes,
    input: { samples: [{ name: 'order', data: workload.input }] },
  };
  return JSON.stringify(definition, null, 2);
}

export async function importWorkload(page: Page, workload: Workload): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Workflow name' })).toBeEnabled();
  // The Import button opens a file chooser; Playwright answers it with the file.
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (
    await chooser
  ).setFiles({
    name: `${workload.name}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(importableFile(workload)),
  });
  await expect(page.getByRole('textbox', { name: 'Workflow name' })).toHaveValue(workload.name);
  // The workloads come without positions: wait until they are laid out (the
  // canvas says so meanwhile). Big canvases draw only the cards in view, so
  // the trigger card stands for the graph.
  await expect(page.locator('.canvas-notice')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('.react-flow [data-node-id="start"]')).toBeVisible();
  await expect(page.getByRole('status', { name: 'Run status' })).toHaveAttribute(
    'data-preview-state',
    'done',
  );
}

/**
 * A big canvas draws only the cards in view: drags the canvas to the left, by
 * an empty spot of it, as a person pans to what they look for, until node
 * `id`'s card is drawn.
 */
async function panUntilDrawn(page: Page, id: string): Promise<void> {
  const wrapper = page.locator(`.react-flow__node[data-id="${id}"]`);
  for (let step = 0; step < 20 && (await wrapper.count()) === 0; step++) {
    const spot = await page.evaluate(() => {
      const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect();
      if (!pane) return undefined;
      // The first spot along the canvas's lower edge where the pane itself is hit.
      for (let x = pane.right - 40; x > pane.left + pane.width / 2; x -= 20) {
        for (let y = pane.bottom - 20; y > pane.top + pane.height / 2; y -= 20) {
          if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) {
            return { x, y, width: pane.width };
          }
        }
      }
      return undefined;
    });
    if (!spot) throw new Error(`no empty spot of the canvas to drag while looking for ${id}`);
    await page.mouse.move(spot.x, spot.y);
    await page.mouse.down();
    await page.mouse.move(spot.x - spot.width / 3, spot.y, { steps: 8 });
    await page.mouse.up();
  }
  await expect(wrapper).toHaveCount(1);
}

/** Brings a node into view (React Flow pans to a focused node) and selects it with a click. */
export async function selectOnCanvas(page: Page, id: string): Promise<Locator> {
  const wrapper = page.locator(`.react-flow__node[data-id="${id}"]`);
  await wrapper.focus();
  const card = wrapper.locator('[data-node-id]');
  // The canvas may still be panning to the focused node on a busy machine, and
  // a click that lands before it settles misses: click again until selected.
  await expect(async () => {
    await card.locator('.weft-node-head').click();
    await expect(wrapper).toHaveClass(/selected/, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  return card;
}

/**
 * Opens the editor on the workload, selects the edited node, and puts the
 * caret in its Expression field after `MARKER + ' + 1'`, its preview settled.
 */
export async function prepareEditor(page: Page, workload: Workload): Promise<ProbeTarget> {
  await importWorkload(page, workload);
  const nodeId = editedNode(workload);
  const card = await selectOnCanvas(page, nodeId);
  const preview = card.locator('.weft-node-preview');
  const field = page.getByRole('textbox', { name: 'Expression', exact: true });
  await expect(field).toBeVisible();

  // Put the edited expression in place and let its preview settle.
  await field.click();
  await page.keyboard.press('ControlOrMeta+End');
  const text = (await field.textContent()) ?? '';
  const at = text.indexOf(MARKER);
  if (at < 0) throw new Error(`expression of ${nodeId} does not contain ${MARKER}`);
  await page.keyboard.press('ControlOrMeta+Home');
  for (let i = 0; i < at + MARKER.length; i++) await page.keyboard.press('ArrowRight');
  const before = await preview.textContent();
  await page.keyboard.type(' + 1');
  await expect(preview).not.toHaveText(before ?? '');
  await expect(page.getByRole('status', { name: 'Run status' })).toHaveAttribute(
    'data-preview-state',
    'done',
  );
  return cardPreview(nodeId);
}

/** In a stage's condition, `$nodes.<stage>_totals.subtotal > 250 and …`: the caret goes after this. */
const THRESHOLD = '> 250';

/**
 * Opens the editor on the workload, selects the condition of the edited
 * node's stage (`…_big`: is the order's subtotal over 250?), and puts the
 * caret right after its threshold, so that each digit typed there (2500 and
 * up) turns the branch from `true` to `false` and each Backspace turns it
 * back: every keystroke flips which of the two branches runs. The probe
 * watches the condition card's port and time line, which names the port
 * taken.
 */
export async function prepareBranchEditor(page: Page, workload: Workload): Promise<ProbeTarget> {
  await importWorkload(page, workload);
  const nodeId = editedNode(workload).replace(/_totals$/, '_big');
  const card = await selectOnCanvas(page, nodeId);
  const field = page.getByRole('textbox', { name: 'Expression', exact: true });
  await expect(field).toBeVisible();
  await field.click();
  const text = (await field.textContent()) ?? '';
  const at = text.indexOf(THRESHOLD);
  if (at < 0) throw new Error(`expression of ${nodeId} does not contain ${THRESHOLD}`);
  await page.keyboard.press('ControlOrMeta+Home');
  for (let i = 0; i < at + THRESHOLD.length; i++) await page.keyboard.press('ArrowRight');
  await expect(card.locator('.weft-node-meta')).toContainText('→ true');
  return { container: `.react-flow__node[data-id="${nodeId}"]`, preview: '.weft-node-meta' };
}

/**
 * Opens the editor on the workload, selects the switch of the edited node's
 * stage (`…_tier`, which routes the order's `gold` customer to its first
 * case), and puts the caret at the end of that case's port name, so that each
 * key renames the port (`gold0`, back to `gold`) and its edges follow: a
 * change of the graph, not of one field, at every keystroke. The probe
 * watches the port the switch card names as taken, once the worker has run
 * the renamed definition.
 */
export async function preparePortEditor(page: Page, workload: Workload): Promise<ProbeTarget> {
  await importWorkload(page, workload);
  const nodeId = editedNode(workload).replace(/_totals$/, '_tier');
  await panUntilDrawn(page, nodeId);
  const card = await selectOnCanvas(page, nodeId);
  const field = page.getByRole('textbox', { name: 'Case 1 port', exact: true });
  await expect(field).toHaveValue('gold');
  await field.focus();
  await page.keyboard.press('End');
  await expect(card.locator('.weft-node-meta')).toContainText('→ gold');
  // The port's own span: the line's whole text runs the port into the time,
  // and `→ gold` with `17 µs` reads as `→ gold1` with `7 µs`.
  return {
    container: `.react-flow__node[data-id="${nodeId}"]`,
    preview: '.weft-node-meta > span:first-child',
  };
}

/**
 * Opens the editor on the workload with no node selected, so the inspector
 * shows the workflow's settings, and puts the caret in the input sample's
 * Data field right after the first item's price (whose edits change the
 * subtotal on the first stage's `totals` card, the probe's target).
 */
export async function prepareSampleEditor(page: Page, workload: Workload): Promise<ProbeTarget> {
  await importWorkload(page, workload);
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  const data = page.getByRole('textbox', { name: 'Data', exact: true });
  await expect(data).toBeVisible();
  const price = '"price": ';
  const at = (await data.inputValue()).indexOf(price);
  if (at < 0) throw new Error(`the sample of ${workload.name} has no ${price}`);
  await data.focus();
  await data.evaluate(
    (field: HTMLTextAreaElement, caret) => field.setSelectionRange(caret, caret),
    at + price.length + 1,
  );
  return cardPreview('s0_totals');
}

/**
 * The control fields (bench/browser/control): a bare <input> and the
 * inspector's CodeMirror setup, each alone on a page with a line that shows
 * its text, written synchronously on every edit. Not the editor: they show
 * what a keystroke's frame needs in this browser on this machine, the floor
 * under the editor's figures.
 */
export const CONTROLS = [
  { field: 'input', label: 'control: bare <input>' },
  { field: 'codemirror', label: 'control: CodeMirror alone' },
] as const;
export type ControlField = (typeof CONTROLS)[number]['field'];

const CONTROL_BASE = '/bench-control/';

/**
 * Builds the control page with Vite into memory (so it needs no build step of
 * its own and comes from this tree, whichever build BENCH_DIST serves) and
 * has the page serve it under CONTROL_BASE, on the app's own origin.
 */
export async function serveControlPage(page: Page): Promise<string> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const built = await build({
    configFile: false,
    root,
    base: CONTROL_BASE,
    logLevel: 'silent',
    build: {
      write: false,
      rolldownOptions: { input: `${root}bench/browser/control/index.html` },
    },
  });
  const files = new Map<string, { body: string | Uint8Array; type: string }>();
  for (const output of Array.isArray(built) ? built : [built]) {
    if (!('output' in output)) throw new Error('control page: unexpected build result');
    for (const file of output.output) {
      const body = file.type === 'chunk' ? file.code : file.source;
      const type = file.fileName.endsWith('.html')
        ? 'text/html'
        : file.fileName.endsWith('.css')
          ? 'text/css'
          : 'text/javascript';
      files.set(file.fileName, { body, type });
    }
  }
  await page.route(`**${CONTROL_BASE}**`, (route) => {
    const path = new URL(route.request().url()).pathname.slice(CONTROL_BASE.length);
    const file = files.get(path);
    return file
      ? route.fulfill({ body: Buffer.from(file.body), contentType: file.type })
      : route.fulfill({ status: 404 });
  });
  return `${CONTROL_BASE}bench/browser/control/index.html`;
}

/**
 * Opens the control page with the same expression the editor's bench types
 * into (realistic-100's edited node, with ` + 1`) and puts the caret where
 * the editor's is.
 */
export async function prepareControl(page: Page, field: ControlField): Promise<ProbeTarget> {
  const workload = realistic100();
  const node = workload.definition.nodes.find((n) => n.id === workload.edit.node);
  const expression = String(node?.config?.['expression'] ?? '');
  const at = expression.indexOf(MARKER);
  if (at < 0) throw new Error(`expression of ${workload.edit.node} does not contain ${MARKER}`);
  const caret = at + MARKER.length + ' + 1'.length;
  const text = typedAtMarker(expression, ' + 1');
  const url = await serveControlPage(page);
  await page.goto(`${url}?${new URLSearchParams({ field, text }).toString()}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const input = page.getByRole('textbox', { name: 'Expression', exact: true });
  await input.click();
  await page.keyboard.press('ControlOrMeta+Home');
  for (let i = 0; i < caret; i++) await page.keyboard.press('ArrowRight');
  await expect(page.locator('#preview')).toHaveText(text);
  return { container: '#control', preview: '#preview' };
}
