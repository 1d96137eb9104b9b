// The config form of one node, generated from its kind's config schema. Every
// change goes to the store at once as a whole new config (`updateNodeConfig`);
// the store merges a field's rapid edits into one undo step and the preview
// coalesces runs, so the form never waits.
import { useId } from 'react';
import type {
  Diagnostic,
  Json,
  JsonObject,
  NodeDefinition,
  NodeKindInfo,
} from '../engine/client.ts';
import { JsonField } from '../ui/JsonField.tsx';
import { schemaShapeProblem } from '../ui/schemaShape.ts';
import { CaseList, readCases } from './CaseList.tsx';
import type { FieldSpec } from './configFields.ts';
import { ExpressionField } from './ExpressionField.tsx';
import { liveValueOf, type NodeView } from './liveValue.ts';
import { LiveValueView } from './LiveValueView.tsx';
import { MockEditor } from './MockEditor.tsx';
import { configPointer, diagnosticsAt } from './nodeDiagnostics.ts';

interface ConfigFormProps {
  node: NodeDefinition;
  nodeIndex: number;
  info: NodeKindInfo;
  fields: readonly FieldSpec[];
  diagnostics: readonly Diagnostic[];
  upstreamIds: readonly string[];
  view: NodeView | undefined;
  /** Shown under expression fields when there is no run to show. */
  notRunReason: string;
  onChange(config: JsonObject): void;
}

/** `config` with `key` set, or removed when `value` is undefined. */
function withField(config: JsonObject, key: string, value: Json | undefined): JsonObject {
  const next: JsonObject = {};
  for (const [k, v] of Object.entries(config)) if (k !== key) next[k] = v;
  if (value !== undefined) next[key] = value;
  return next;
}

/** A number literal that prints back exactly as typed ("1.50" or " 5" stay text, so the caret never jumps). */
function asExactNumber(text: string): number | undefined {
  const n = Number(text);
  return text !== '' && Number.isFinite(n) && String(n) === text ? n : undefined;
}

function messages(diagnostics: readonly Diagnostic[]): string | null {
  return diagnostics.length > 0 ? diagnostics.map((d) => d.message).join(' ') : null;
}

function PlainField({
  spec,
  value,
  onChange,
  problem,
}: {
  spec: FieldSpec;
  value: Json | undefined;
  onChange(value: Json | undefined): void;
  problem: string | null;
}) {
  const id = useId();
  const { editor } = spec;
  const hint = spec.hint ? (
    <p className="field-hint" id={`${id}-hint`}>
      {spec.hint}
    </p>
  ) : null;
  const error = problem ? <p className="field-error">{problem}</p> : null;
  const describedBy = spec.hint ? `${id}-hint` : undefined;

  if (editor.type === 'boolean') {
    return (
      <div className="field field-inline">
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={id}>{spec.label}</label>
        {hint}
        {error}
      </div>
    );
  }
  let control;
  if (editor.type === 'enum') {
    control = (
      <select
        id={id}
        value={typeof value === 'string' ? value : ''}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        {(!spec.required || typeof value !== 'string') && <option value="">—</option>}
        {editor.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (editor.type === 'number') {
    control = (
      <input
        id={id}
        type="number"
        step={editor.integer ? 1 : 'any'}
        value={typeof value === 'number' ? value : ''}
        aria-describedby={describedBy}
        onChange={(e) => {
          const text = e.target.value;
          const parsed = Number(text);
          if (text === '') onChange(undefined);
          else if (Number.isFinite(parsed)) onChange(parsed);
        }}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        value={typeof value === 'string' ? value : ''}
        spellCheck={false}
        aria-describedby={describedBy}
        onChange={(e) =>
          onChange(e.target.value === '' && !spec.required ? undefined : e.target.value)
        }
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{spec.label}</label>
      {hint}
      {control}
      {error}
    </div>
  );
}

export function ConfigForm({
  node,
  nodeIndex,
  info,
  fields,
  diagnostics,
  upstreamIds,
  view,
  notRunReason,
  onChange,
}: ConfigFormProps) {
  const config = node.config ?? {};
  const setField = (key: string, value: Json | undefined) =>
    onChange(withField(config, key, value));

  return (
    <div className="config-form">
      {fields.map((spec) => {
        const value = config[spec.key];
        const fieldDiagnostics = diagnosticsAt(diagnostics, configPointer(nodeIndex, spec.key));
        const { editor } = spec;
        switch (editor.type) {
          case 'expression': {
            const text =
              typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
            return (
              <ExpressionField
                key={spec.key}
                label={spec.label}
                value={text}
                diagnostics={fieldDiagnostics}
                upstreamIds={upstreamIds}
                {...(spec.hint ? { hint: spec.hint } : {})}
                {...(typeof info.defaultConfig[spec.key] === 'string'
                  ? { placeholder: String(info.defaultConfig[spec.key]) }
                  : {})}
                onChange={(next) => {
                  const number = editor.allowsNumber ? asExactNumber(next) : undefined;
                  if (next === '' && !spec.required) setField(spec.key, undefined);
                  else setField(spec.key, number ?? next);
                }}
              >
                <LiveValueView live={liveValueOf(node.kind, spec.key, view, notRunReason)} />
              </ExpressionField>
            );
          }
          case 'cases':
            return (
              <CaseList
                key={spec.key}
                cases={readCases(config)}
                nodeIndex={nodeIndex}
                diagnostics={diagnostics}
                upstreamIds={upstreamIds}
                chosenPort={view?.summary.status === 'succeeded' ? view.summary.port : undefined}
                onChange={(cases) =>
                  setField(
                    'cases',
                    cases.map((c) => ({ port: c.port, expression: c.expression })),
                  )
                }
              />
            );
          case 'mock':
            return (
              <MockEditor
                key={spec.key}
                kind={node.kind === 'llm' ? 'llm' : 'http'}
                value={value}
                error={messages(fieldDiagnostics)}
                {...(spec.hint ? { hint: spec.hint } : {})}
                onChange={(next) => setField(spec.key, next)}
              />
            );
          case 'schema':
          case 'json':
            return (
              <JsonField
                key={spec.key}
                label={spec.label}
                value={value}
                allowEmpty={!spec.required}
                error={messages(fieldDiagnostics)}
                {...(spec.hint
                  ? { hint: spec.hint }
                  : editor.type === 'schema'
                    ? { hint: 'A JSON Schema (draft 2020-12) the input must match.' }
                    : {})}
                {...(editor.type === 'schema' ? { check: schemaShapeProblem } : {})}
                onChange={(next) => setField(spec.key, next)}
              />
            );
          default:
            return (
              <PlainField
                key={spec.key}
                spec={spec}
                value={value}
                problem={messages(fieldDiagnostics)}
                onChange={(next) => setField(spec.key, next)}
              />
            );
        }
      })}
    </div>
  );
}
