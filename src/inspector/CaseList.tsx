// The ordered case list of a `switch`: the first case whose expression is
// truthy picks its port, else `default`. Order matters, so cases can be moved.
import type { Diagnostic, JsonObject } from '../engine/client.ts';
import { ExpressionField } from './ExpressionField.tsx';
import { diagnosticsAt, configPointer } from './nodeDiagnostics.ts';

export interface SwitchCase {
  port: string;
  expression: string;
}

interface CaseListProps {
  cases: SwitchCase[];
  onChange(cases: SwitchCase[]): void;
  nodeIndex: number;
  diagnostics: readonly Diagnostic[];
  upstreamIds: readonly string[];
  /** The port the last run took, to mark the case that won. */
  chosenPort: string | undefined;
}

const RESERVED_PORTS = new Set(['default', 'error']);
const PORT_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Reads `config.cases` leniently: anything malformed becomes an empty case. */
export function readCases(config: JsonObject | undefined): SwitchCase[] {
  const raw = config?.cases;
  if (!Array.isArray(raw)) return [];
  return raw.map((item) => {
    const entry = typeof item === 'object' && item !== null && !Array.isArray(item) ? item : {};
    return {
      port: typeof entry.port === 'string' ? entry.port : '',
      expression: typeof entry.expression === 'string' ? entry.expression : '',
    };
  });
}

/** A problem with a case's port name that the user should see as they type. */
export function portProblem(cases: readonly SwitchCase[], index: number): string | null {
  const port = cases[index]?.port ?? '';
  if (port === '') return 'Give the case a port name.';
  if (!PORT_PATTERN.test(port)) return 'Use letters, digits, _ or -, not starting with a digit.';
  if (RESERVED_PORTS.has(port)) return `"${port}" is a reserved port name.`;
  if (cases.findIndex((c) => c.port === port) !== index)
    return `Another case already uses "${port}".`;
  return null;
}

function newCasePort(cases: readonly SwitchCase[]): string {
  const taken = new Set(cases.map((c) => c.port));
  let n = cases.length + 1;
  while (taken.has(`case${n}`)) n += 1;
  return `case${n}`;
}

function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

export function CaseList({
  cases,
  onChange,
  nodeIndex,
  diagnostics,
  upstreamIds,
  chosenPort,
}: CaseListProps) {
  const update = (index: number, patch: Partial<SwitchCase>) =>
    onChange(cases.map((c, i) => (i === index ? { ...c, ...patch } : c)));

  return (
    <fieldset className="case-list">
      <legend>Cases</legend>
      <p className="field-hint">
        The first case whose expression is true routes the input; otherwise it goes to default.
      </p>
      <ol>
        {cases.map((item, index) => {
          const n = index + 1;
          const problem = portProblem(cases, index);
          const portDiagnostics = diagnosticsAt(
            diagnostics,
            configPointer(nodeIndex, 'cases', index, 'port'),
          );
          return (
            // Index keys are right here: a case has no identity but its place,
            // and the fields re-sync from their values when cases move.
            <li
              key={index}
              className={
                chosenPort !== undefined && chosenPort === item.port ? 'case is-chosen' : 'case'
              }
            >
              <div className="case-head">
                <label>
                  <span>Case {n} port</span>
                  <input
                    type="text"
                    value={item.port}
                    spellCheck={false}
                    aria-invalid={problem ? true : undefined}
                    onChange={(event) => update(index, { port: event.target.value })}
                  />
                </label>
                {chosenPort !== undefined && chosenPort === item.port && (
                  <span className="badge badge-chosen">taken</span>
                )}
                <div className="case-actions">
                  <button
                    type="button"
                    aria-label={`Move case ${n} up`}
                    title="Move up"
                    disabled={index === 0}
                    onClick={() => onChange(moved(cases, index, index - 1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    aria-label={`Move case ${n} down`}
                    title="Move down"
                    disabled={index === cases.length - 1}
                    onClick={() => onChange(moved(cases, index, index + 1))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    aria-label={`Remove case ${n}`}
                    title="Remove"
                    onClick={() => onChange(cases.filter((_, i) => i !== index))}
                  >
                    ×
                  </button>
                </div>
              </div>
              {(problem ?? portDiagnostics[0]) && (
                <p className="field-error">{problem ?? portDiagnostics[0]?.message}</p>
              )}
              <ExpressionField
                label={`Case ${n} expression`}
                value={item.expression}
                onChange={(expression) => update(index, { expression })}
                diagnostics={diagnosticsAt(
                  diagnostics,
                  configPointer(nodeIndex, 'cases', index, 'expression'),
                )}
                upstreamIds={upstreamIds}
                placeholder='severity = "high"'
              />
            </li>
          );
        })}
      </ol>
      <div className="case-footer">
        <button
          type="button"
          className="button"
          onClick={() => onChange([...cases, { port: newCasePort(cases), expression: 'false' }])}
        >
          Add case
        </button>
        {chosenPort === 'default' && <span className="badge badge-chosen">default taken</span>}
      </div>
    </fieldset>
  );
}
