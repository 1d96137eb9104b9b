import { describe, expect, it } from 'vitest';
import { createPreviewService } from './worker.ts';
import { MAILBOX_BYTES, replyMailbox } from './replyMailbox.ts';
import type { WorkflowDefinition } from './index.ts';

const definition: WorkflowDefinition = {
  format: 'weft/v1',
  id: 'w',
  name: 'w',
  nodes: [
    { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
    {
      id: 'total',
      kind: 'transform',
      position: { x: 200, y: 0 },
      config: { expression: '{ "sum": $sum(items.price), "names": items.name }' },
    },
  ],
  edges: [{ source: 'start', target: 'total' }],
};

// One thread here: these tests check what a reader gets, not the order of the
// writer's stores (the generation cleared first and stored last), which only a
// second thread reading mid-write could show; replyMailbox.ts argues that order.
describe('reply mailbox', () => {
  it('hands a preview reply across shared memory as it was', async () => {
    const reply = await createPreviewService().preview({
      generation: 3,
      definition,
      input: {
        items: [
          { price: 2.5, name: 'ünïcødé ✓' },
          { price: -0.1, name: 'lone \ud800' },
        ],
      },
      options: {},
      details: ['total'],
    });
    const buffer = new SharedArrayBuffer(MAILBOX_BYTES);
    // Two views of one buffer, as the worker and the page have.
    replyMailbox(buffer).post(3, { generation: 3, reply });
    expect(replyMailbox(buffer).take(3)).toEqual({ generation: 3, reply });
  });

  it('gives a reply only for its own generation, and only once', () => {
    const buffer = new SharedArrayBuffer(1024);
    const worker = replyMailbox(buffer);
    const page = replyMailbox(buffer);
    expect(page.take(1)).toBeUndefined();
    worker.post(1, { generation: 1, error: 'first' });
    worker.post(2, { generation: 2, error: 'second' });
    expect(page.take(1)).toBeUndefined();
    expect(page.take(2)).toEqual({ generation: 2, error: 'second' });
    expect(page.take(2)).toBeUndefined();
  });

  it('leaves a reply that does not fit to the message', () => {
    const buffer = new SharedArrayBuffer(64);
    const worker = replyMailbox(buffer);
    const page = replyMailbox(buffer);
    // The worker learns which: it sends the reply by message only when it did not fit.
    expect(worker.post(5, { generation: 5, error: 'x'.repeat(100) })).toBe(false);
    expect(page.take(5)).toBeUndefined();
    expect(worker.post(6, { generation: 6, error: 'short' })).toBe(true);
    expect(page.take(6)).toEqual({ generation: 6, error: 'short' });
  });
});
