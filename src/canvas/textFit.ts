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

export function fitsMonospace(text: string, widthPx: number, fontPx: number): boolean {
  let chars = 0;
  for (const char of text) chars += (char.codePointAt(0) ?? 0) > 0x7f ? 2 : 1;
  return chars * MONO_EMS * fontPx <= widthPx;
}
