import type { CompiledExpression } from '../expression/api.ts';
import type { Json, JsonObject } from '../types.ts';
import { isPromiseLike } from '../util/promise.ts';
import { isTruthy } from '../util/truthy.ts';
import type { NodeContext, NodeReturn } from './kind.ts';
import { allFast, defineNode } from './kind.ts';

interface Case {
  port: string;
  expression: string;
}

// Also called by outPortsOf on configs still being edited: skip malformed cases.
function casesOf(config: JsonObject): Case[] {
  if (!Array.isArray(config.cases)) return [];
  return config.cases.filter(
    (c): c is JsonObject & Case =>
      typeof c === 'object' &&
      c !== null &&
      !Array.isArray(c) &&
      typeof c.port === 'string' &&
      typeof c.expression === 'string',
  );
}

// Evaluates cases in order until one is truthy; stays synchronous while the
// evaluations are.
function firstTruthy(
  cases: readonly (CompiledExpression | undefined)[],
  from: number,
  input: Json,
  context: NodeContext,
): NodeReturn {
  for (let i = from; i < cases.length; i++) {
    const expression = cases[i];
    if (!expression) continue;
    const value = expression.evaluate(input, context.scope());
    if (isPromiseLike<Json | undefined>(value)) {
      return value.then((resolved) => {
        if (isTruthy(resolved)) {
          context.port = i;
          return input;
        }
        return firstTruthy(cases, i + 1, input, context);
      });
    }
    if (isTruthy(value)) {
      context.port = i;
      return input;
    }
  }
  context.port = cases.length;
  return input;
}

export default defineNode({
  info: {
    kind: 'switch',
    label: 'Switch',
    group: 'Flow',
    description:
      'Passes its input on the port of the first case whose expression is truthy, else on `default`.',
    configSchema: {
      type: 'object',
      properties: {
        cases: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              port: {
                type: 'string',
                pattern: '^[A-Za-z_][A-Za-z0-9_-]*$',
                not: { enum: ['default', 'error'] },
              },
              expression: { type: 'string' },
            },
            required: ['port', 'expression'],
            additionalProperties: false,
          },
        },
      },
      required: ['cases'],
      additionalProperties: false,
    },
    expressionFields: [],
    defaultConfig: { cases: [{ port: 'case1', expression: 'true' }] },
    hasInput: true,
    outPorts: ['default'],
  },
  outPorts: (config) => [...casesOf(config).map((c) => c.port), 'default'],
  expressions: (config) =>
    casesOf(config).map((c, i) => ({ pointer: `/cases/${i}/expression`, source: c.expression })),
  prepare(node) {
    const seen = new Set<string>();
    casesOf(node.config).forEach((c, i) => {
      if (seen.has(c.port)) {
        node.report(
          `/cases/${i}/port`,
          'CONFIG_INVALID',
          `Switch "${node.id}" has two cases with the port "${c.port}"; each case needs its own port.`,
        );
      }
      seen.add(c.port);
    });
    return casesOf(node.config).map((_c, i) => node.expression(`/cases/${i}/expression`));
  },
  run: (cases, input, context) => firstTruthy(cases, 0, input, context),
  light: (cases) => allFast(cases),
});
