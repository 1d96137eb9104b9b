// A CodeMirror 6 field for one JSONata expression. The editor owns its text
// while the user types and reports every change at once (the preview path
// coalesces, so typing never waits); a value that changes from outside (undo,
// another node) replaces the text. Parse errors arrive from the preview's
// compile diagnostics and are underlined at their position.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { setDiagnostics, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { EditorState, Transaction } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { Diagnostic } from '../engine/client.ts';
import { holdRenders } from '../store/editorStore.ts';
import { editFirst, expressionEditorExtensions, fromOutside } from './expressionEditor.ts';

interface ExpressionFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** Compile diagnostics for this field (already filtered by pointer). */
  diagnostics: readonly Diagnostic[];
  upstreamIds: readonly string[];
  placeholder?: string;
  hint?: string;
  /** Rendered under the field: the expression's live value. */
  children?: ReactNode;
}

/** Where to underline: the engine gives a 0-based offset; cover one character, inside the text. */
export function underlineRange(
  position: number | undefined,
  length: number,
): { from: number; to: number } {
  if (length === 0) return { from: 0, to: 0 };
  const at = Math.min(Math.max(position ?? 0, 0), length);
  return at >= length ? { from: length - 1, to: length } : { from: at, to: at + 1 };
}

// Engine messages name the node and field ('Transform node "total",
// config/expression: …') so they read alone in a list or the CLI; under the
// field itself that prefix only repeats what the panel already shows.
const NODE_FIELD_PREFIX = /^[\w ]+ node "[^"]*", config\/[^:]*: /;

export function messageForField(message: string): string {
  const rest = message.replace(NODE_FIELD_PREFIX, '');
  return rest === '' ? message : rest.charAt(0).toUpperCase() + rest.slice(1);
}

export function ExpressionField({
  label,
  value,
  onChange,
  diagnostics,
  upstreamIds,
  placeholder,
  hint,
  children,
}: ExpressionFieldProps) {
  const id = useId();
  const labelId = `${id}-label`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  // Whether the editor shows any underline. While there is none and none
  // comes, a keystroke or a reply costs no editor update (and no measure pass).
  const underlinedRef = useRef(false);
  // The editor is created once; these refs let its callbacks see current props.
  const onChangeRef = useRef(onChange);
  const upstreamRef = useRef(upstreamIds);
  const initialRef = useRef({ value, placeholder, describedBy: hint ? hintId : '' });
  useEffect(() => {
    onChangeRef.current = onChange;
    upstreamRef.current = upstreamIds;
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const initial = initialRef.current;
    const view = new EditorView({
      parent: host,
      // The store hears of the edit now (the preview's request leaves), the
      // page renders it with the preview's reply, in one commit.
      dispatchTransactions: editFirst((text) => holdRenders(() => onChangeRef.current(text))),
      state: EditorState.create({
        doc: initial.value,
        extensions: expressionEditorExtensions({
          upstreamIds: () => upstreamRef.current,
          placeholder: initial.placeholder,
          contentAttributes: {
            'aria-labelledby': labelId,
            ...(initial.describedBy ? { 'aria-describedby': initial.describedBy } : {}),
          },
        }),
      }),
    });
    viewRef.current = view;
    underlinedRef.current = false;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, [labelId]);

  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const current = view.state.doc.toString();
    if (current === value) return;
    view.dispatch({
      changes: { from: 0, to: current.length, insert: value },
      // Not an edit of this field: the field's own undo should not replay it.
      annotations: [fromOutside.of(true), Transaction.addToHistory.of(false)],
    });
  }, [value]);

  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const length = view.state.doc.length;
    const marks: LintDiagnostic[] = diagnostics
      .filter((d) => d.position !== undefined || d.severity === 'error')
      .map((d) => ({
        ...underlineRange(d.position, length),
        severity: d.severity,
        message: d.message,
        source: d.code,
      }));
    if (marks.length > 0 || underlinedRef.current) {
      view.dispatch(setDiagnostics(view.state, marks));
      underlinedRef.current = marks.length > 0;
    }
    if (diagnostics.some((d) => d.severity === 'error'))
      view.contentDOM.setAttribute('aria-invalid', 'true');
    else view.contentDOM.removeAttribute('aria-invalid');
    if (diagnostics.length > 0) view.contentDOM.setAttribute('aria-errormessage', errorId);
    else view.contentDOM.removeAttribute('aria-errormessage');
  }, [diagnostics, value, errorId]);

  const invalid = diagnostics.some((d) => d.severity === 'error');
  return (
    <div className="field">
      <label id={labelId} onClick={() => viewRef.current?.focus()}>
        {label}
      </label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      <div ref={hostRef} className={invalid ? 'code-field code-field-invalid' : 'code-field'} />
      {diagnostics.length > 0 && (
        <ul className="field-error" id={errorId}>
          {diagnostics.map((d) => (
            <li
              key={`${d.code}:${d.path}:${d.position ?? ''}:${d.message}`}
              className={d.severity === 'warning' ? 'is-warning' : undefined}
            >
              {messageForField(d.message)}
            </li>
          ))}
        </ul>
      )}
      {/* An error takes the live value's place: the value would only say it
          was not run, and the field below keeps its place. */}
      {invalid ? null : children}
    </div>
  );
}
