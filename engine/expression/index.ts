// The expression module: compiles JSONata source once per edit and evaluates it
// once per run. See api.ts for the contract the engine builds on.

import jsonata from 'jsonata';
import type { Json } from '../types.ts';
import {
  ExpressionFailure,
  type CompileExpressionResult,
  type CompiledExpression,
  type EvalScope,
} from './api.ts';

export { ExpressionFailure } from './api.ts';
export type {
  CompileExpressionResult,
  CompiledExpression,
  EvalScope,
  ExpressionProblem,
} from './api.ts';

interface JsonataError {
  code?: string;
  message?: string;
  position?: number;
}

function bindingsFor(scope: EvalScope): Record<string, unknown> {
  return {
    input: scope.input,
    nodes: scope.nodes,
    now: () => new Date(scope.now).toISOString(),
    millis: () => scope.now,
    random: () => scope.random(),
  };
}

export function compileExpression(source: string): CompileExpressionResult {
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(source);
  } catch (err) {
    const e = err as JsonataError;
    return {
      ok: false,
      problem: {
        code: 'EXPRESSION_SYNTAX',
        message: e.message ?? 'syntax error',
        ...(typeof e.position === 'number' ? { position: Math.max(0, e.position - 1) } : {}),
      },
    };
  }
  const expression: CompiledExpression = {
    source,
    nodeRefs: [],
    fast: false,
    async evaluate(input: Json, scope: EvalScope): Promise<Json | undefined> {
      try {
        return (await parsed.evaluate(input, bindingsFor(scope))) as Json | undefined;
      } catch (err) {
        const e = err as JsonataError;
        throw new ExpressionFailure({
          code: 'EXPRESSION_ERROR',
          message: e.message ?? String(err),
          ...(typeof e.position === 'number' ? { position: Math.max(0, e.position - 1) } : {}),
        });
      }
    },
  };
  return { ok: true, expression };
}
