// The canned result an `http` or `llm` node returns in preview: either what the
// node would output, or `{ "error": { "code", "message" } }` to exercise the
// error path. Switching to an error keeps the success mock at hand, so
// switching back restores it instead of a blank.
import { useId, useState } from 'react';
import type { Json, JsonObject } from '../engine/client.ts';
import { JsonField } from '../ui/JsonField.tsx';

interface MockEditorProps {
  kind: 'http' | 'llm';
  value: Json | undefined;
  onChange(value: Json | undefined): void;
  error: string | null;
  hint?: string;
}

function isErrorMock(value: Json | undefined): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value;
}

function defaultSuccess(kind: 'http' | 'llm'): JsonObject {
  return kind === 'http' ? { status: 200, headers: {}, body: {} } : { text: '' };
}

function defaultError(kind: 'http' | 'llm'): JsonObject {
  return kind === 'http'
    ? { error: { code: 'HTTP_ERROR', message: 'The service answered 503 Service Unavailable' } }
    : { error: { code: 'LLM_ERROR', message: 'The model is unavailable' } };
}

export function MockEditor({ kind, value, onChange, error, hint }: MockEditorProps) {
  const outcomeId = useId();
  const outcome = isErrorMock(value) ? 'error' : 'success';
  const [setAside, setSetAside] = useState<{ success: Json | undefined; error: Json | undefined }>({
    success: undefined,
    error: undefined,
  });

  return (
    <div className="field-group">
      <div className="field">
        <label htmlFor={outcomeId}>Preview result</label>
        <select
          id={outcomeId}
          value={outcome}
          onChange={(event) => {
            const next = event.target.value === 'error' ? 'error' : 'success';
            if (next === outcome) return;
            setSetAside({ ...setAside, [outcome]: value });
            onChange(
              setAside[next] ?? (next === 'error' ? defaultError(kind) : defaultSuccess(kind)),
            );
          }}
        >
          <option value="success">Success</option>
          <option value="error">Error</option>
        </select>
      </div>
      <JsonField
        label="Mock"
        value={value}
        onChange={onChange}
        error={error}
        hint={
          hint ??
          (kind === 'http'
            ? 'What the request returns in preview: { "status", "headers", "body" }, or { "error": { "code", "message" } }.'
            : 'What the model returns in preview: { "text" }, or { "error": { "code", "message" } }.')
        }
        rows={7}
      />
    </div>
  );
}
