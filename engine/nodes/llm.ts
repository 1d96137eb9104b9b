import type { CompiledExpression } from '../expression/api.ts';
import type { Json } from '../types.ts';
import { andThen } from '../util/promise.ts';
import { withDeadline } from '../util/timers.ts';
import type { CallPolicy } from './call.ts';
import { callPolicyOf, mockAnswer, retrySchema, timeoutSchema, withRetry } from './call.ts';
import { fetchOf } from './http.ts';
import type { NodeContext } from './kind.ts';
import { defineNode, describe, NodeError } from './kind.ts';

interface LlmData {
  model: string | undefined;
  url: string | undefined;
  temperature: number | undefined;
  prompt: CompiledExpression | undefined;
  system: CompiledExpression | undefined;
  mock: Json | undefined;
  policy: CallPolicy;
}

function asText(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `https://host/v1` and `https://host/v1/chat/completions` both name the endpoint. */
function endpointOf(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

function fail(context: NodeContext, message: string): NodeError {
  return new NodeError({ code: 'LLM_ERROR', message: `Node "${context.nodeId}": ${message}` });
}

async function complete(
  data: LlmData,
  prompt: string,
  system: string | undefined,
  context: NodeContext,
): Promise<Json> {
  const env = context.options.env ?? {};
  const base = data.url ?? env.WEFT_LLM_URL;
  if (!base) throw fail(context, 'no endpoint: set config.url or WEFT_LLM_URL.');
  const model = data.model ?? env.WEFT_LLM_MODEL;
  if (!model) throw fail(context, 'no model: set config.model or WEFT_LLM_MODEL.');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = env.WEFT_LLM_API_KEY;
  if (key) headers.authorization = `Bearer ${key}`;
  const messages = [
    ...(system !== undefined ? [{ role: 'system', content: system }] : []),
    { role: 'user', content: prompt },
  ];
  const fetchFn = fetchOf(context);
  return withDeadline(
    data.policy.timeoutMs,
    context.options.signal,
    async (signal) => {
      let status: number;
      let text: string;
      try {
        const response = await fetchFn(endpointOf(base), {
          method: 'POST',
          headers,
          body: JSON.stringify({
            model,
            messages,
            ...(data.temperature !== undefined ? { temperature: data.temperature } : {}),
          }),
          ...(signal ? { signal } : {}),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        throw fail(
          context,
          `the request failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (status < 200 || status >= 300)
        throw fail(context, `the endpoint answered ${status}: ${describe(text)}`);
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        throw fail(
          context,
          `the endpoint answered with something other than JSON: ${describe(text)}`,
        );
      }
      const content = (reply as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]
        ?.message?.content;
      if (typeof content !== 'string') {
        throw fail(context, 'the reply has no choices[0].message.content.');
      }
      return { text: content };
    },
    () =>
      new NodeError({
        code: 'TIMEOUT',
        message: `Node "${context.nodeId}": the model took longer than ${(data.policy.timeoutMs ?? 0) / 1000} s.`,
      }),
  );
}

export default defineNode<LlmData>({
  info: {
    kind: 'llm',
    label: 'LLM',
    group: 'Integrations',
    description:
      'Asks a language model (an OpenAI-compatible chat-completions endpoint) and outputs `{ text }`. Preview runs return `mock` instead.',
    configSchema: {
      type: 'object',
      properties: {
        model: { type: 'string' },
        prompt: { type: 'string' },
        system: { type: 'string' },
        url: { type: 'string' },
        temperature: { type: 'number', minimum: 0, maximum: 2 },
        mock: {},
        retry: retrySchema,
        timeoutSeconds: timeoutSchema,
      },
      required: ['prompt'],
      additionalProperties: false,
    },
    expressionFields: ['prompt', 'system'],
    defaultConfig: {
      model: 'gpt-4o-mini',
      prompt: '"Summarise: " & $string($)',
      mock: { text: '' },
    },
    hasInput: true,
    outPorts: ['out'],
  },
  prepare: (node) => ({
    model: typeof node.config.model === 'string' ? node.config.model : undefined,
    url: typeof node.config.url === 'string' ? node.config.url : undefined,
    temperature: typeof node.config.temperature === 'number' ? node.config.temperature : undefined,
    prompt: node.expression('/prompt'),
    system: node.expression('/system'),
    mock: node.config.mock,
    policy: callPolicyOf(node.config),
  }),
  run(data, input, context) {
    const scope = context.scope();
    return andThen(data.prompt ? data.prompt.evaluate(input, scope) : undefined, (prompt) =>
      andThen(data.system ? data.system.evaluate(input, scope) : undefined, (system) =>
        withRetry(context, data.policy.retry, () =>
          context.mode === 'live'
            ? complete(
                data,
                asText(prompt),
                system === undefined ? undefined : asText(system),
                context,
              )
            : mockAnswer(context, data.mock, 'LLM_ERROR'),
        ),
      ),
    );
  },
});
