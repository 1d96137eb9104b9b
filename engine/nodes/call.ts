// What http and llm share: the mock in preview, retries with backoff (named
// as in Step Functions' Retry, so the ASL export maps them one to one) and a
// timeout.

import type { Json, JsonObject, RunErrorCode } from '../types.ts';
import { andThen, isPromiseLike } from '../util/promise.ts';
import type { NodeContext, NodeReturn } from './kind.ts';
import { NodeError } from './kind.ts';

export const retrySchema: JsonObject = {
  type: 'object',
  description:
    'Retries a failed call. maxAttempts: retries after the first attempt (as in Step Functions); the wait starts at intervalSeconds and is multiplied by backoffRate each time.',
  properties: {
    maxAttempts: { type: 'integer', minimum: 0, maximum: 99 },
    intervalSeconds: { type: 'number', minimum: 0 },
    backoffRate: { type: 'number', minimum: 1 },
    errors: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
};

export const timeoutSchema: JsonObject = { type: 'number', exclusiveMinimum: 0 };

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxAttempts: number;
  intervalMs: number;
  backoffRate: number;
  /** Error codes worth retrying; undefined: every call error. */
  errors: readonly string[] | undefined;
}

export interface CallPolicy {
  retry: RetryPolicy | undefined;
  timeoutMs: number | undefined;
}

/** Reads `retry` and `timeoutSeconds`, with Step Functions' defaults (3 retries, 1 s, x2). */
export function callPolicyOf(config: JsonObject): CallPolicy {
  const retry = config.retry as
    | { maxAttempts?: number; intervalSeconds?: number; backoffRate?: number; errors?: string[] }
    | undefined;
  return {
    retry: retry
      ? {
          maxAttempts: retry.maxAttempts ?? 3,
          intervalMs: (retry.intervalSeconds ?? 1) * 1000,
          backoffRate: retry.backoffRate ?? 2,
          errors: retry.errors,
        }
      : undefined,
    timeoutMs: typeof config.timeoutSeconds === 'number' ? config.timeoutSeconds * 1000 : undefined,
  };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The mock's answer for one attempt: the output, or a NodeError when the mock
 * is `{ "error": { "code", "message" } }`.
 */
export function mockAnswer(
  context: NodeContext,
  mock: Json | undefined,
  defaultCode: RunErrorCode,
): Json {
  if (mock === undefined) {
    throw new NodeError({
      code: 'MOCK_MISSING',
      message: `Node "${context.nodeId}" has no mock. Preview runs never call out: add a "mock" to its config with the output to pretend, or run in live mode.`,
    });
  }
  if (isObject(mock) && isObject(mock.error)) {
    const { code, message } = mock.error;
    throw new NodeError({
      code: typeof code === 'string' && code !== '' ? code : defaultCode,
      message:
        typeof message === 'string'
          ? message
          : `Node "${context.nodeId}" failed (mocked error ${String(code)})`,
    });
  }
  return mock;
}

function retryable(policy: RetryPolicy, error: unknown): error is NodeError {
  if (!(error instanceof NodeError) || error.error.code === 'MOCK_MISSING') return false;
  return policy.errors === undefined || policy.errors.includes(error.error.code);
}

/**
 * Makes attempts until one succeeds or the retry policy gives up. Waits go
 * through the context's clock: virtual (and synchronous) in preview, so a
 * mocked call with retries still never leaves the synchronous fast path.
 */
export function withRetry(
  context: NodeContext,
  policy: RetryPolicy | undefined,
  attempt: () => NodeReturn,
): NodeReturn {
  const attemptNumber = (n: number): NodeReturn => {
    context.attempts = n;
    const onError = (error: unknown): NodeReturn => {
      if (!policy || !retryable(policy, error) || n > policy.maxAttempts) throw error;
      const delay = policy.intervalMs * Math.pow(policy.backoffRate, n - 1);
      return andThen(context.wait(delay), () => attemptNumber(n + 1));
    };
    let result: NodeReturn;
    try {
      result = attempt();
    } catch (error) {
      return onError(error);
    }
    return isPromiseLike<Json | undefined>(result) ? result.then(undefined, onError) : result;
  };
  return attemptNumber(1);
}
