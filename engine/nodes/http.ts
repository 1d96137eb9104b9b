import type { CompiledExpression } from '../expression/api.ts';
import type { FetchLike, Json } from '../types.ts';
import { andThen } from '../util/promise.ts';
import { withDeadline } from '../util/timers.ts';
import type { CallPolicy } from './call.ts';
import { callPolicyOf, mockAnswer, retrySchema, timeoutSchema, withRetry } from './call.ts';
import type { NodeContext } from './kind.ts';
import { defineNode, describe, NodeError } from './kind.ts';

interface HttpData {
  method: string;
  url: CompiledExpression | undefined;
  headers: CompiledExpression | undefined;
  body: CompiledExpression | undefined;
  mock: Json | undefined;
  policy: CallPolicy;
}

interface Request {
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function evaluateRequest(
  data: HttpData,
  input: Json,
  context: NodeContext,
): Request | PromiseLike<Request> {
  const scope = context.scope();
  const id = context.nodeId;
  return andThen(data.url ? data.url.evaluate(input, scope) : undefined, (url) =>
    andThen(data.headers ? data.headers.evaluate(input, scope) : undefined, (headers) =>
      andThen(data.body ? data.body.evaluate(input, scope) : undefined, (body): Request => {
        if (typeof url !== 'string' || url === '') {
          throw new NodeError({
            code: 'EXPRESSION_ERROR',
            message: `Node "${id}": the url expression gave ${describe(url)}, not a URL string (quote a literal URL: "https://…").`,
          });
        }
        const headerMap: Record<string, string> = {};
        if (headers !== undefined) {
          if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
            throw new NodeError({
              code: 'EXPRESSION_ERROR',
              message: `Node "${id}": the headers expression gave ${describe(headers)}, not an object.`,
            });
          }
          for (const [key, value] of Object.entries(headers)) {
            headerMap[key] = typeof value === 'string' ? value : JSON.stringify(value);
          }
        }
        let text: string | undefined;
        if (body !== undefined) {
          text = typeof body === 'string' ? body : JSON.stringify(body);
          if (typeof body !== 'string' && !hasHeader(headerMap, 'content-type')) {
            headerMap['content-type'] = 'application/json';
          }
        }
        return { url, headers: headerMap, body: text };
      }),
    ),
  );
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The fetch for live calls: the injected one, else the runtime's. */
export function fetchOf(context: NodeContext): FetchLike {
  const fetchFn = context.options.fetch ?? (globalThis as unknown as { fetch?: FetchLike }).fetch;
  if (!fetchFn) {
    throw new NodeError({
      code: 'HTTP_ERROR',
      message: `Node "${context.nodeId}": this runtime has no fetch; pass one in the run options.`,
    });
  }
  return fetchFn;
}

async function send(data: HttpData, request: Request, context: NodeContext): Promise<Json> {
  const fetchFn = fetchOf(context);
  const label = `${data.method} ${request.url}`;
  return withDeadline(
    data.policy.timeoutMs,
    context.options.signal,
    async (signal) => {
      let response;
      try {
        response = await fetchFn(request.url, {
          method: data.method,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw new NodeError({
          code: 'HTTP_ERROR',
          message: `Node "${context.nodeId}": ${label} failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      const text = await response.text();
      let body: Json = text;
      if ((headers['content-type'] ?? '').includes('json') && text !== '') {
        try {
          body = JSON.parse(text) as Json;
        } catch {
          body = text;
        }
      }
      if (!isSuccess(response.status)) {
        throw new NodeError({
          code: 'HTTP_ERROR',
          message: `Node "${context.nodeId}": ${label} answered ${response.status}: ${describe(body)}`,
        });
      }
      return { status: response.status, headers, body };
    },
    () =>
      new NodeError({
        code: 'TIMEOUT',
        message: `Node "${context.nodeId}": ${label} took longer than ${(data.policy.timeoutMs ?? 0) / 1000} s.`,
      }),
  );
}

function answerMock(data: HttpData, context: NodeContext): Json {
  const output = mockAnswer(context, data.mock, 'HTTP_ERROR');
  const status = (output as { status?: unknown } | null)?.status;
  // A mocked non-2xx response fails the node just as a real one would.
  if (typeof status === 'number' && !isSuccess(status)) {
    throw new NodeError({
      code: 'HTTP_ERROR',
      message: `Node "${context.nodeId}": ${data.method} answered ${status} (mock).`,
    });
  }
  return output;
}

export default defineNode<HttpData>({
  info: {
    kind: 'http',
    label: 'HTTP',
    group: 'Integrations',
    description:
      'Calls an HTTP API. url, headers and body are expressions (quote a literal URL). Preview runs return `mock` instead.',
    configSchema: {
      type: 'object',
      properties: {
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] },
        url: { type: 'string' },
        headers: { type: 'string' },
        body: { type: 'string' },
        mock: {},
        retry: retrySchema,
        timeoutSeconds: timeoutSchema,
      },
      required: ['url'],
      additionalProperties: false,
    },
    expressionFields: ['url', 'headers', 'body'],
    defaultConfig: {
      method: 'GET',
      url: '"https://example.com/api"',
      mock: { status: 200, headers: {}, body: {} },
    },
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: (node) => ({
    method: typeof node.config.method === 'string' ? node.config.method : 'GET',
    url: node.expression('/url'),
    headers: node.expression('/headers'),
    body: node.expression('/body'),
    mock: node.config.mock,
    policy: callPolicyOf(node.config),
  }),
  run(data, input, context) {
    return andThen(evaluateRequest(data, input, context), (request) =>
      withRetry(context, data.policy.retry, () =>
        context.mode === 'live' ? send(data, request, context) : answerMock(data, context),
      ),
    );
  },
});
