// Types a plain character as a CodeMirror transaction at its keydown, instead
// of letting the browser insert it into the editable DOM and CodeMirror read
// the change back. The native path first runs the browser's editing command
// (keypress, beforeinput, the DOM edit, input) and then CodeMirror's DOM read
// (about 2 ms per keystroke on realistic-100): the edit reached the store, and
// the preview request the worker, 4.6 ms after the keydown (p50), against
// 1.4 ms for a Backspace, which CodeMirror's keymap already handles at keydown
// (bench/RESULTS.md, Browser, fourth round).
import { type Transaction } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

/**
 * A key that types one character and nothing else: no shortcut (Ctrl, Cmd,
 * Alt: AltGr arrives as Ctrl+Alt and is left to the browser too), no input
 * method at work, no dead key ('Dead' is not one character).
 */
function typesOneCharacter(event: KeyboardEvent): boolean {
  return (
    event.key.length === 1 &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.altKey &&
    !event.isComposing &&
    event.keyCode !== 229
  );
}

/**
 * The extension. Touch devices keep the native path: their on-screen
 * keyboards track the field's text themselves (CodeMirror leaves them alone
 * for the same reason). The field's input handlers still see every character
 * (closeBrackets pairs a bracket here as it does on the native path), and the
 * transaction is the one the native path makes: `input.type`, scrolled into view.
 */
export const typeOnKeydown = EditorView.domEventHandlers({
  keydown(event, view) {
    if (!typesOneCharacter(event) || view.composing || view.state.readOnly) return false;
    if (typeof navigator !== 'undefined' && navigator.maxTouchPoints > 0) return false;
    const { state } = view;
    if (state.selection.ranges.length !== 1) return false;
    const { from, to } = state.selection.main;
    const text = event.key;
    let typed: Transaction | undefined;
    const insert = () =>
      (typed ??= state.update(state.replaceSelection(text), {
        userEvent: 'input.type',
        scrollIntoView: true,
      }));
    if (
      !state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))
    )
      view.dispatch(insert());
    return true;
  },
});
