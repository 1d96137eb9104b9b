// A preview reply handed from the worker to the page through shared memory,
// beside the message that tells the page it is there. A message reaches the
// page only after the keystroke's frame is drawn (Chromium runs that frame
// ahead of waiting tasks), so its preview lands a frame after the typed text;
// the page reads the mailbox at the start of that frame instead
// (requestAnimationFrame) and, when the worker has answered by then, paints
// both in one frame.
//
// When the reply is in the mailbox, the message says only that (see
// `previewToChannel` in worker.ts), so the reply is not copied twice.
//
// The layout: two 32-bit words, then the reply as UTF-8 JSON. Word 0 is the
// generation whose reply is in the mailbox, stored last (an atomic store, so a
// reader that sees it sees the bytes); word 1 is the byte length, or -1 when
// the reply did not fit (the page then waits for the message).
//
// Only JSON crosses here, and a preview reply is JSON through and through
// (summaries, diagnostics, truncated values); JSON.stringify keeps lone
// surrogates as escapes, so strings come back as they went.

/** Enough for a whole reply of a thousand nodes; bigger replies go by message alone. */
export const MAILBOX_BYTES = 1 << 20;

const HEADER_BYTES = 8;

// In every browser and in Node; the engine compiles without DOM or Node
// types, so the little of them used here is declared here.
declare const TextEncoder: new () => { encode(source: string): Uint8Array };
declare const TextDecoder: new () => { decode(input: Uint8Array): string };

export interface ReplyMailbox {
  /**
   * Puts `message` (a reply of `generation`) in the mailbox, replacing what
   * was there; false when it did not fit (the mailbox is then empty).
   */
  post(generation: number, message: unknown): boolean;
  /** The message posted for `generation`, or undefined when the mailbox holds another one or none. */
  take(generation: number): unknown;
}

/** A mailbox over `buffer`, which both sides share (see MAILBOX_BYTES). */
export function replyMailbox(buffer: SharedArrayBuffer): ReplyMailbox {
  const header = new Int32Array(buffer, 0, 2);
  const bytes = new Uint8Array(buffer, HEADER_BYTES);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    post(generation, message) {
      // Whatever was there is stale from here on: a reader must not take it
      // while the bytes change under it.
      Atomics.store(header, 0, 0);
      // Encoded apart and copied: Chromium's encodeInto does not write shared memory.
      const encoded = encoder.encode(JSON.stringify(message));
      const fits = encoded.length <= bytes.length;
      if (fits) bytes.set(encoded);
      Atomics.store(header, 1, fits ? encoded.length : -1);
      Atomics.store(header, 0, generation);
      return fits;
    },
    take(generation) {
      if (generation === 0 || Atomics.load(header, 0) !== generation) return undefined;
      const length = Atomics.load(header, 1);
      if (length < 0) return undefined;
      // A copy: TextDecoder does not read shared memory.
      const message: unknown = JSON.parse(decoder.decode(bytes.slice(0, length)));
      // Emptied only if it still holds this reply: never erases a newer one.
      Atomics.compareExchange(header, 0, generation, 0);
      return message;
    },
  };
}
