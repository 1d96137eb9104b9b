// The control page of the typing benchmark (editor.bench.ts): the field the
// user types into and a line that shows the field's text, written
// synchronously on every edit, and nothing else: no store, no worker, no
// canvas. `?field=input` is a bare <input>; `?field=codemirror` is the
// inspector's CodeMirror setup (src/inspector/expressionEditor.ts). The
// benchmark times them as it times the editor, so their figures show what
// this browser on this machine needs for a keystroke's frame alone.
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { editFirst, expressionEditorExtensions } from '../../../src/inspector/expressionEditor.ts';

const params = new URLSearchParams(location.search);
const text = params.get('text') ?? '';
const host = document.getElementById('field');
const preview = document.getElementById('preview');
if (!host || !preview) throw new Error('control page without its field');
preview.textContent = text;

if (params.get('field') === 'input') {
  const input = document.createElement('input');
  input.type = 'text';
  input.value = text;
  input.spellcheck = false;
  input.setAttribute('aria-label', 'Expression');
  input.addEventListener('input', () => {
    preview.textContent = input.value;
  });
  host.append(input);
} else {
  new EditorView({
    parent: host,
    dispatchTransactions: editFirst((edited) => {
      preview.textContent = edited;
    }),
    state: EditorState.create({
      doc: text,
      extensions: expressionEditorExtensions({
        upstreamIds: () => [],
        contentAttributes: { 'aria-label': 'Expression' },
      }),
    }),
  });
}
document.body.dataset.ready = 'true';
