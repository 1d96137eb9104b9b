// What the differential tests share: the mock table the reference executor
// answers Task states from (built from the definition's mocks, in the shapes
// AWS's integrations answer with), and how Step Functions' error names read
// as the engine's codes.
import type {
  Json,
  JsonObject,
  RunOptions,
  RunResult,
  WorkflowDefinition,
} from '../../engine/types.ts';
import type { Execution, MockAnswer, MockTable } from './executor.ts';

export function isObject(value: Json | undefined | unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mockError(mock: JsonObject, fallback: string): MockAnswer {
  const error = mock.error as JsonObject;
  const code = typeof error.code === 'string' && error.code !== '' ? error.code : fallback;
  return { error: code, cause: typeof error.message === 'string' ? error.message : code };
}

/**
 * The mock table for the executor, built from the definition's mocks (and,
 * for a sub-workflow, from what the preview's child run gave), in the shapes
 * AWS's integrations answer with.
 */
export function mockTable(
  definition: WorkflowDefinition,
  stateNames: Record<string, string>,
  options: RunOptions,
  preview: RunResult,
): MockTable {
  const table: MockTable = {};
  for (const node of definition.nodes) {
    const state = stateNames[node.id];
    if (state === undefined) continue;
    const mock = node.config?.mock;
    switch (node.kind) {
      case 'http':
        if (mock === undefined) table[state] = { error: 'MOCK_MISSING', cause: 'no mock' };
        else if (isObject(mock) && isObject(mock.error))
          table[state] = mockError(mock, 'HTTP_ERROR');
        else {
          const m = (isObject(mock) ? mock : {}) as JsonObject;
          const result: JsonObject = {};
          if (m.status !== undefined) result.StatusCode = m.status;
          if (m.headers !== undefined) result.Headers = m.headers;
          if (m.body !== undefined) result.ResponseBody = m.body;
          table[state] = { result };
        }
        break;
      case 'llm':
        if (mock === undefined) table[state] = { error: 'MOCK_MISSING', cause: 'no mock' };
        else if (isObject(mock) && isObject(mock.error))
          table[state] = mockError(mock, 'LLM_ERROR');
        else {
          const text = isObject(mock) ? mock.text : undefined;
          table[state] = { result: { Body: { content: [{ type: 'text', text: text ?? '' }] } } };
        }
        break;
      case 'approval':
        table[state] = { result: { decision: options.decisions?.[node.id] ?? 'approved' } };
        break;
      case 'subworkflow': {
        const ran = preview.nodes[node.id];
        if (ran?.status === 'failed' && ran.error) {
          table[state] = { error: ran.error.code, cause: ran.error.message };
        } else {
          table[state] = { result: { Output: ran?.output ?? null } };
        }
        break;
      }
      default:
        break;
    }
  }
  return table;
}

/**
 * Step Functions' names for the platform's own errors, read as the engine's
 * codes. AWS reports an expression that outgrows its limits as a query
 * evaluation error, where the preview says LIMIT_EXCEEDED.
 */
export function engineCode(error: string, preview: string | undefined): string {
  if (error === 'States.QueryEvaluationError') {
    return preview === 'LIMIT_EXCEEDED' ? preview : 'EXPRESSION_ERROR';
  }
  if (error === 'States.Timeout') return 'TIMEOUT';
  if (error.startsWith('States.Http.StatusCode.')) return 'HTTP_ERROR';
  return error;
}

const PLATFORM_CODES = ['EXPRESSION_ERROR', 'HTTP_ERROR', 'TIMEOUT', 'INPUT_INVALID'];
const PLATFORM_MESSAGE = '(platform message)';

// Messages the platform writes itself (an expression error, an HTTP status)
// are worded differently on AWS, and a workflow may copy them into its data:
// such strings are compared as "a platform message"; codes and everything
// else must match. The validate node's error list is compared as a set
// (ajv's order is its own).
export function comparable(
  value: Json | undefined,
  platformMessages: Set<string>,
): Json | undefined {
  if (typeof value === 'string') return platformMessages.has(value) ? PLATFORM_MESSAGE : value;
  if (Array.isArray(value)) return value.map((v) => comparable(v, platformMessages) as Json);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = comparable(v, platformMessages) as Json;
  const error = out.error;
  if (isObject(error) && typeof error.code === 'string' && PLATFORM_CODES.includes(error.code)) {
    out.error = { ...error, message: PLATFORM_MESSAGE };
  }
  if (Array.isArray(out.errors) && 'input' in out) {
    out.errors = [...out.errors].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

export function previewPlatformMessages(preview: RunResult): Set<string> {
  const messages = new Set<string>();
  for (const result of Object.values(preview.nodes)) {
    if (result.error && PLATFORM_CODES.includes(result.error.code))
      messages.add(result.error.message);
  }
  return messages;
}

export function executionPlatformMessages(execution: Execution): Set<string> {
  return new Set(
    execution.caught
      .filter((c) => PLATFORM_CODES.includes(engineCode(c.error, undefined)))
      .map((c) => c.cause),
  );
}
