// Measures the work a run does inside expressions and schema checks, by
// replaying exactly those calls outside the engine: every expression a node
// evaluated (with the input and scope it saw) and every schema check, in run
// order, through the same compiled objects the engine uses (both caches are
// keyed by content). The engine's overhead is then (run − replay) / run.
//
// This reaches below engine/index.ts on purpose: a benchmark of the engine's
// own overhead needs the pieces the engine is made of.

import type { EvalScope } from '../engine/expression/api.ts';
import { compileExpression } from '../engine/expression/index.ts';
import type { Json, JsonObject, RunResult, WorkflowDefinition } from '../engine/index.ts';
import { compileSchema, type CompiledSchema } from '../engine/util/schema.ts';
import { isTruthy } from '../engine/util/truthy.ts';

type Evaluate = (input: Json, scope: EvalScope) => Json | undefined | Promise<Json | undefined>;

type Step =
  | { kind: 'expression'; evaluate: Evaluate; input: Json }
  | { kind: 'map'; items: Evaluate | undefined; expression: Evaluate; input: Json }
  | { kind: 'switch'; cases: Evaluate[]; input: Json }
  | { kind: 'schema'; schema: CompiledSchema; input: Json };

/**
 * The expression as the engine evaluates it: `$nodes.<id>` bound to a
 * position (here, the node's place in the definition) and read through
 * `scope.output`, an array read, as in a run.
 */
function expressionOf(source: unknown, position: (id: string) => number): Evaluate {
  const compiled = compileExpression(typeof source === 'string' ? source : '$');
  if (!compiled.ok) throw new Error(`replay: ${compiled.problem.message}`);
  const { expression } = compiled;
  // Without references `bind` hands back the expression itself.
  return expression.bind(Int32Array.from(expression.nodeRefs, position)).evaluate;
}

function schemaOf(schema: unknown): CompiledSchema {
  const compiled = compileSchema(schema as JsonObject);
  if (!compiled.ok) throw new Error(`replay: ${compiled.message}`);
  return compiled.schema;
}

/** The expression and schema calls of one run, ready to replay. */
export function replayOf(
  definition: WorkflowDefinition,
  input: Json,
  result: RunResult,
): () => Promise<void> {
  const outputs: (Json | undefined)[] = [];
  const positions = new Map<string, number>();
  definition.nodes.forEach((node, i) => {
    positions.set(node.id, i);
    const ran = result.nodes[node.id];
    if (ran?.status === 'succeeded') outputs[i] = ran.output;
  });
  const position = (id: string) => positions.get(id) ?? -1;
  const scope: EvalScope = {
    input,
    nodes: {},
    output: (k) => outputs[k],
    now: 0,
    random: () => 0.5,
  };
  const steps: Step[] = [];
  for (const node of definition.nodes) {
    const ran = result.nodes[node.id];
    if (ran === undefined || ran.status === 'skipped') continue;
    const config = node.config ?? {};
    const nodeInput = ran.input ?? null;
    switch (node.kind) {
      case 'trigger':
        if (definition.input?.schema !== undefined) {
          steps.push({ kind: 'schema', schema: schemaOf(definition.input.schema), input });
        }
        break;
      case 'transform':
      case 'condition':
      case 'output':
        steps.push({
          kind: 'expression',
          evaluate: expressionOf(config['expression'], position),
          input: nodeInput,
        });
        break;
      case 'map':
        steps.push({
          kind: 'map',
          items:
            config['items'] === undefined ? undefined : expressionOf(config['items'], position),
          expression: expressionOf(config['expression'], position),
          input: nodeInput,
        });
        break;
      case 'switch': {
        const cases = Array.isArray(config['cases']) ? config['cases'] : [];
        steps.push({
          kind: 'switch',
          cases: cases.map((c) => expressionOf((c as JsonObject)['expression'], position)),
          input: nodeInput,
        });
        break;
      }
      case 'validate':
        steps.push({ kind: 'schema', schema: schemaOf(config['schema']), input: nodeInput });
        break;
      default:
        break;
    }
  }

  // Awaits only real promises: the fast path answers synchronously, and an
  // `await` on a plain value would add a microtask the engine does not pay.
  return async () => {
    for (const step of steps) {
      switch (step.kind) {
        case 'expression': {
          const value = step.evaluate(step.input, scope);
          if (value instanceof Promise) await value;
          break;
        }
        case 'map': {
          let items = step.items ? step.items(step.input, scope) : step.input;
          if (items instanceof Promise) items = await items;
          const list = items === undefined ? [] : Array.isArray(items) ? items : [items];
          for (const item of list) {
            const value = step.expression(item, scope);
            if (value instanceof Promise) await value;
          }
          break;
        }
        case 'switch':
          for (const evaluate of step.cases) {
            let value = evaluate(step.input, scope);
            if (value instanceof Promise) value = await value;
            if (isTruthy(value)) break;
          }
          break;
        case 'schema':
          step.schema.validate(step.input);
          break;
      }
    }
  };
}
