// Whether a one-line text on a node card surely fits its box, so the card can
// leave it unclipped. An `overflow: hidden` box is a clip in the browser's
// paint tree; two per card (label and id) on a 100-node canvas tripled the
// compositing pass that runs on every frame the caret moves, i.e. on every
// keystroke (bench/RESULTS.md, Browser). Only texts that may overflow get the
// clip and its ellipsis.

/** An upper bound, in ems, of the width of `text` in a proportional font at weight 600. */
function proportionalEms(text: string): number {
  let ems = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code > 0x7f) ems += 1.2;
    else if (/[A-Zmw@%]/.test(char)) ems += 1;
    else ems += 0.7;
  }
  return ems;
}

/** Monospace fonts advance about 0.6 em per character; 0.62 leaves room for the widest. */
const MONO_EMS = 0.62;

export function fitsProportional(text: string, widthPx: number, fontPx: number): boolean {
  return proportionalEms(text) * fontPx <= widthPx;
}

/** Columns of a monospace text: a character outside ASCII may be drawn twice as wide. */
function columns(char: string): number {
  return (char.codePointAt(0) ?? 0) > 0x7f ? 2 : 1;
}

export function fitsMonospace(text: string, widthPx: number, fontPx: number): boolean {
  let chars = 0;
  for (const char of text) chars += columns(char);
  return chars * MONO_EMS * fontPx <= widthPx;
}

/**
 * `text` cut to what surely fits `widthPx` in a monospace font, ending in an
 * ellipsis when cut; unchanged when it fits. A card's preview is cut here
 * instead of by an `overflow: hidden` box: a clip is a paint chunk of its own
 * whose bounds follow the text, and a chunk that changes its bounds makes the
 * browser redo its whole-page layer assignment in that frame. Unclipped, the
 * text is painted in the card's chunk, which the card's box bounds, so a new
 * preview repaints the card and nothing more (bench/RESULTS.md, Browser).
 */
export function fitMonospace(text: string, widthPx: number, fontPx: number): string {
  const room = Math.floor(widthPx / (MONO_EMS * fontPx));
  let used = 0;
  let end = 0;
  let cut = -1;
  for (const char of text) {
    used += columns(char);
    // Where the text would be cut: one column is kept for the ellipsis.
    if (cut < 0 && used > room - 1) cut = end;
    if (used > room) return `${text.slice(0, cut)}…`;
    end += char.length;
  }
  return text;
}
