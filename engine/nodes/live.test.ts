// Live mode against a local HTTP server the test starts on 127.0.0.1:
// nothing leaves the machine.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileWorkflow, runWorkflow } from '../index.ts';
import type { Json, JsonObject, RunOptions, RunResult, WorkflowDefinition } from '../index.ts';
import { defineWorkflow } from '../util/define.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base = '';
let seen: Seen[] = [];
let handler: (request: Seen, response: ServerResponse) => void = () => undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      };
      seen.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function runLive(
  node: JsonObject,
  kind: 'http' | 'llm',
  input: Json,
  options: RunOptions = {},
  extraNodes: WorkflowDefinition['nodes'] = [],
  extraEdges: WorkflowDefinition['edges'] = [],
): Promise<RunResult> {
  const definition = defineWorkflow(
    [
      ['start', 'trigger'],
      ['call', kind, node],
    ],
    ['start -> call'],
  );
  definition.nodes.push(...extraNodes);
  definition.edges.push(...extraEdges);
  const compiled = compileWorkflow(definition);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return runWorkflow(compiled.workflow, input, { mode: 'live', ...options });
}

describe('http in live mode', () => {
  it('sends method, url, headers and body from expressions; parses a JSON answer', async () => {
    handler = (_request, response) => json(response, 201, { created: true });
    const result = await runLive(
      {
        method: 'POST',
        url: `"${base}/orders/" & id`,
        headers: '{ "x-request-id": "r-" & id }',
        body: '{ "amount": amount }',
      },
      'http',
      { id: 'po7', amount: 120 },
    );
    expect(result.status).toBe('succeeded');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/orders/po7', body: '{"amount":120}' });
    expect(seen[0]?.headers['x-request-id']).toBe('r-po7');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(result.nodes.call?.output).toMatchObject({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: { created: true },
    });
  });

  it('keeps a text answer as text', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('pong');
    };
    const result = await runLive({ url: `"${base}/ping"` }, 'http', null);
    expect(result.nodes.call?.output).toMatchObject({ status: 200, body: 'pong' });
  });

  it('a non-2xx answer is an HTTP_ERROR the error port can catch', async () => {
    handler = (_request, response) => json(response, 404, { message: 'no such order' });
    const result = await runLive(
      { url: `"${base}/orders/x"` },
      'http',
      null,
      {},
      [{ id: 'missing', kind: 'output', config: { expression: 'error.code' } }],
      [{ source: 'call', sourcePort: 'error', target: 'missing' }],
    );
    expect(result.status).toBe('succeeded');
    expect(result.nodes.call?.error?.code).toBe('HTTP_ERROR');
    expect(result.nodes.call?.error?.message).toContain('404');
    expect(result.output).toBe('HTTP_ERROR');
  });

  it('retries with backoff through the injected sleep until the server recovers', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls < 3) json(response, 503, { busy: true });
      else json(response, 200, { ok: calls });
    };
    const waits: number[] = [];
    const result = await runLive(
      { url: `"${base}/flaky"`, retry: { maxAttempts: 4, intervalSeconds: 0.5, backoffRate: 2 } },
      'http',
      null,
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result.status).toBe('succeeded');
    expect(waits).toEqual([500, 1000]);
    expect(result.nodes.call).toMatchObject({ attempts: 3, waitedMs: 1500 });
    expect(result.nodes.call?.output).toMatchObject({ body: { ok: 3 } });
  });

  it('TIMEOUT when the server does not answer in timeoutSeconds', async () => {
    handler = (_request, response) => {
      setTimeout(() => json(response, 200, {}), 2000).unref();
    };
    const result = await runLive({ url: `"${base}/slow"`, timeoutSeconds: 0.05 }, 'http', null);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'TIMEOUT', node: 'call' });
  });

  it('an unreachable host is an HTTP_ERROR, not a crash', async () => {
    const result = await runLive({ url: '"http://127.0.0.1:1/none"' }, 'http', null);
    expect(result.error).toMatchObject({ code: 'HTTP_ERROR', node: 'call' });
  });
});

describe('llm in live mode', () => {
  const env = () => ({ WEFT_LLM_URL: `${base}/v1`, WEFT_LLM_API_KEY: 'sk-local' });

  it('calls an OpenAI-compatible chat-completions endpoint and outputs { text }', async () => {
    handler = (_request, response) =>
      json(response, 200, {
        choices: [{ message: { role: 'assistant', content: 'Disk full on db-1.' } }],
      });
    const result = await runLive(
      { model: 'small-model', system: '"Be brief."', prompt: '"Summarise: " & summary' },
      'llm',
      { summary: 'db-1 disk at 100%' },
      { env: env() },
    );
    expect(result.status).toBe('succeeded');
    expect(result.nodes.call?.output).toEqual({ text: 'Disk full on db-1.' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(seen[0]?.headers.authorization).toBe('Bearer sk-local');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      model: 'small-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Summarise: db-1 disk at 100%' },
      ],
    });
  });

  it('config.url names the endpoint too; an error answer is an LLM_ERROR', async () => {
    handler = (_request, response) => json(response, 401, { error: 'bad key' });
    const result = await runLive(
      { model: 'm', prompt: '"hi"', url: `${base}/custom/chat/completions` },
      'llm',
      null,
      { env: {} },
    );
    expect(seen[0]?.url).toBe('/custom/chat/completions');
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(result.error).toMatchObject({ code: 'LLM_ERROR', node: 'call' });
    expect(result.error?.message).toContain('401');
  });

  it('LLM_ERROR without an endpoint', async () => {
    const result = await runLive({ model: 'm', prompt: '"hi"' }, 'llm', null, { env: {} });
    expect(result.error?.code).toBe('LLM_ERROR');
    expect(result.error?.message).toContain('WEFT_LLM_URL');
  });
});
