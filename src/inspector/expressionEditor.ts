// The CodeMirror setup of an expression field, without React: the extensions
// and the order in which an edit reaches its listener and the view. The
// inspector's ExpressionField uses it, and so does the browser benchmark's
// control page (bench/browser/control), which measures this editor alone.
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Annotation, type Extension, type Transaction } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { jsonataCompletions } from './jsonataCompletions.ts';
import { jsonataLanguage } from './jsonataLanguage.ts';

/** Marks a transaction that mirrors the store into the editor, so it is not echoed back. */
export const fromOutside = Annotation.define<boolean>();

export interface ExpressionEditorOptions {
  /** Node ids that completions offer as `$nodes.<id>`; read when completing. */
  upstreamIds(): readonly string[];
  placeholder?: string | undefined;
  /** Attributes of the editable element (its label, description). */
  contentAttributes?: Record<string, string>;
}

export function expressionEditorExtensions(options: ExpressionEditorOptions): Extension[] {
  return [
    // No drawSelection(): the native caret and selection serve a short
    // expression, and the drawn cursor restarts a CSS opacity animation on
    // every keystroke, which re-layerizes the whole page in that frame.
    history(),
    closeBrackets(),
    bracketMatching(),
    autocompletion({ override: [jsonataCompletions(options.upstreamIds)] }),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
    jsonataLanguage,
    syntaxHighlighting(defaultHighlightStyle),
    EditorView.lineWrapping,
    placeholderText(options.placeholder ?? ''),
    EditorView.contentAttributes.of({
      ...options.contentAttributes,
      spellcheck: 'false',
      autocapitalize: 'off',
    }),
  ];
}

/**
 * The view's `dispatchTransactions`: an edit reaches `onEdit` (the store, and
 * the preview request leaves for the worker) before CodeMirror redraws the
 * field and sets the selection: the sooner the request is out, the likelier
 * the preview is painted in the keystroke's own frame. The view is updated
 * right after, in the same task, so nothing can see the two disagree.
 * Transactions marked `fromOutside` are not edits.
 */
export function editFirst(
  onEdit: (text: string) => void,
): (transactions: readonly Transaction[], view: EditorView) => void {
  return (transactions, view) => {
    const last = transactions[transactions.length - 1];
    const edited =
      last !== undefined &&
      transactions.some((tr) => tr.docChanged) &&
      !transactions.some((tr) => tr.annotation(fromOutside));
    try {
      if (edited) onEdit(last.state.doc.toString());
    } finally {
      view.update(transactions);
    }
  };
}
