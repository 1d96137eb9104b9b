// Every node kind, in palette order. Adding a kind: write engine/nodes/<kind>.ts
// and add one line here (and its name to NODE_KINDS in engine/types.ts).

import type { NodeKindName } from '../types.ts';
import approval from './approval.ts';
import condition from './condition.ts';
import delay from './delay.ts';
import fail from './fail.ts';
import http from './http.ts';
import type { NodeModule } from './kind.ts';
import llm from './llm.ts';
import map from './map.ts';
import merge from './merge.ts';
import output from './output.ts';
import subworkflow from './subworkflow.ts';
import switchNode from './switch.ts';
import transform from './transform.ts';
import trigger from './trigger.ts';
import validate from './validate.ts';

export const nodeModules: readonly NodeModule[] = [
  trigger,
  condition,
  switchNode,
  merge,
  subworkflow,
  transform,
  map,
  validate,
  http,
  llm,
  approval,
  delay,
  output,
  fail,
];

const byKind = new Map<string, NodeModule>(nodeModules.map((m) => [m.info.kind, m]));

/** The module of a kind; undefined for a name no kind has. */
export function nodeModuleOf(kind: NodeKindName | string): NodeModule | undefined {
  return byKind.get(kind);
}
