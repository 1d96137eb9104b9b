// A labelled JSON text field that never loses what the user typed. The text is
// the field's own state; the store only receives values that parse. While the
// text is invalid the store keeps the last good value and the error is shown
// under the field; a change from outside (undo, another document) replaces the
// text only when it no longer matches what the text already says.
import { useId, useMemo, useState } from 'react';
import type { Json } from '../engine/client.ts';
import './ui.css';

interface JsonFieldProps {
  label: string;
  value: Json | undefined;
  /** Called with each value that parses; `undefined` when the text is emptied and `allowEmpty`. */
  onChange(value: Json | undefined): void;
  /** Whether an empty text is a valid "no value". */
  allowEmpty?: boolean;
  /** A problem found elsewhere (schema compile error, sample breaking the schema). */
  error?: string | null;
  hint?: string;
  rows?: number;
  /** A shape check on parsed values: a message keeps the value from the store, like a parse error. */
  check?: (value: Json | undefined) => string | null;
}

type Parsed = { ok: true; value: Json | undefined } | { ok: false; message: string };

export function formatJson(value: Json | undefined): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

export function parseJsonText(text: string, allowEmpty: boolean): Parsed {
  if (text.trim() === '') {
    return allowEmpty
      ? { ok: true, value: undefined }
      : { ok: false, message: 'Enter a JSON value.' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Same JSON value, regardless of formatting and key order of the text. */
function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const keys = Object.keys(ao);
  return (
    keys.length === Object.keys(bo).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameJson(ao[k], bo[k]))
  );
}

export function JsonField({
  label,
  value,
  onChange,
  allowEmpty = false,
  error,
  hint,
  rows = 6,
  check,
}: JsonFieldProps) {
  const id = useId();
  const [text, setText] = useState(() => formatJson(value));
  const [seenValue, setSeenValue] = useState(value);
  // Parsed once per text, not per render: a sample can be large, and the
  // panel re-renders on every keystroke anywhere in it.
  const parsed = useMemo(() => parseJsonText(text, allowEmpty), [text, allowEmpty]);
  // Adjusting state while rendering (React's documented pattern for props that
  // change): an outside change that the text does not already express wins.
  if (seenValue !== value) {
    setSeenValue(value);
    if (!parsed.ok || !sameJson(parsed.value, value)) setText(formatJson(value));
  }
  const shapeProblem = parsed.ok && check ? check(parsed.value) : null;
  const problem = parsed.ok ? (shapeProblem ?? error ?? null) : `Invalid JSON: ${parsed.message}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, problem ? errorId : null].filter(Boolean).join(' ');

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      <textarea
        id={id}
        className="json-input"
        value={text}
        rows={rows}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const result = parseJsonText(next, allowEmpty);
          if (result.ok && !(check && check(result.value))) onChange(result.value);
        }}
      />
      {problem && (
        <p className="field-error" id={errorId}>
          {problem}
        </p>
      )}
    </div>
  );
}
