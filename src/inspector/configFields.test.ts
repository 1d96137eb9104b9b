import { describe, expect, it } from 'vitest';
import type { NodeKindInfo } from '../engine/client.ts';
import { configFields, humanizeKey } from './configFields.ts';

function kind(
  partial: Partial<NodeKindInfo> & Pick<NodeKindInfo, 'kind' | 'configSchema'>,
): NodeKindInfo {
  return {
    label: partial.kind,
    group: 'Data',
    description: '',
    expressionFields: [],
    defaultConfig: {},
    hasInput: true,
    outPorts: ['out'],
    ...partial,
  };
}

describe('configFields', () => {
  it('labels fields as a person would read them', () => {
    expect(humanizeKey('expression')).toBe('Expression');
    expect(humanizeKey('timeoutSeconds')).toBe('Timeout seconds');
    expect(humanizeKey('url')).toBe('URL');
  });

  it('gives expression fields a code editor and plain fields plain inputs, in schema order', () => {
    const http = kind({
      kind: 'http',
      expressionFields: ['url', 'body'],
      configSchema: {
        type: 'object',
        required: ['method', 'url', 'mock'],
        properties: {
          method: { enum: ['GET', 'POST'] },
          url: { type: 'string', description: 'Where to send it' },
          body: { type: 'string' },
          mock: { type: 'object' },
          retry: { type: 'object', properties: { maxAttempts: { type: 'integer' } } },
          timeoutSeconds: { type: 'number' },
          follow: { type: 'boolean' },
        },
      },
    });
    expect(configFields(http)).toEqual([
      {
        key: 'method',
        label: 'Method',
        required: true,
        editor: { type: 'enum', options: ['GET', 'POST'] },
      },
      {
        key: 'url',
        label: 'URL',
        required: true,
        hint: 'Where to send it',
        editor: { type: 'expression', allowsNumber: false },
      },
      {
        key: 'body',
        label: 'Body',
        required: false,
        editor: { type: 'expression', allowsNumber: false },
      },
      { key: 'mock', label: 'Mock', required: true, editor: { type: 'mock' } },
      { key: 'retry', label: 'Retry', required: false, editor: { type: 'json' } },
      {
        key: 'timeoutSeconds',
        label: 'Timeout seconds',
        required: false,
        editor: { type: 'number', integer: false },
      },
      { key: 'follow', label: 'Follow', required: false, editor: { type: 'boolean' } },
    ]);
  });

  it('lets a number-or-expression field keep numbers', () => {
    const delay = kind({
      kind: 'delay',
      expressionFields: ['seconds'],
      configSchema: {
        type: 'object',
        properties: { seconds: { oneOf: [{ type: 'number' }, { type: 'string' }] } },
      },
    });
    expect(configFields(delay)[0]?.editor).toEqual({ type: 'expression', allowsNumber: true });
  });

  it('gives switch cases, validate schemas and mocks their dedicated editors', () => {
    expect(
      configFields(
        kind({ kind: 'switch', configSchema: { properties: { cases: { type: 'array' } } } }),
      )[0]?.editor,
    ).toEqual({ type: 'cases' });
    expect(
      configFields(kind({ kind: 'validate', configSchema: { properties: { schema: {} } } }))[0]
        ?.editor,
    ).toEqual({ type: 'schema' });
    expect(
      configFields(kind({ kind: 'llm', configSchema: { properties: { mock: {} } } }))[0]?.editor,
    ).toEqual({ type: 'mock' });
  });

  it('has no fields for a kind without config', () => {
    expect(configFields(kind({ kind: 'merge', configSchema: { type: 'object' } }))).toEqual([]);
  });
});
