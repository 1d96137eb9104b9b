// The engine's one public surface. The editor (through its worker), the CLI,
// tests and benchmarks import from here and nowhere deeper.

import { portsOf } from './compile.ts';
import { nodeModuleOf, nodeModules } from './nodes/registry.ts';
import type { NodeDefinition, NodeKindInfo } from './types.ts';

export { compileWorkflow } from './compile.ts';
export { runWorkflow } from './run.ts';
export { workflowSchema } from './definition/workflowSchema.ts';
export { NODE_KINDS } from './types.ts';
export { exportToAsl } from './export/asl.ts';
export type { AslExportOptions, AslExportResult, AslExportIssue } from './export/asl.ts';
export {
  compileExpression,
  clearExpressionCache,
  expressionCacheSize,
  EXPRESSION_LIMITS,
  ExpressionFailure,
} from './expression/index.ts';
export type {
  CompiledExpression,
  CompileExpressionResult,
  EvalScope,
  ExpressionProblem,
  NodeRefSite,
} from './expression/index.ts';
export type {
  AbortSignalLike,
  ApprovalDecision,
  CompiledWorkflow,
  CompileResult,
  DefinitionPatch,
  Diagnostic,
  DiagnosticCode,
  EdgeDefinition,
  FetchLike,
  InputSample,
  Json,
  JsonObject,
  JsonSchema,
  NodeDefinition,
  NodeDetail,
  NodeKindInfo,
  NodeKindName,
  NodeResult,
  NodeStatus,
  NodeSummary,
  Position,
  PreviewReply,
  PreviewRequest,
  RunError,
  RunErrorCode,
  RunOptions,
  RunResult,
  RunStatus,
  WorkflowDefinition,
} from './types.ts';

/** Every node kind's description, in palette order. */
export const nodeKinds: readonly NodeKindInfo[] = nodeModules.map((m) => m.info);

/**
 * The ports a node's outgoing edges may use, `error` last. Switch nodes have
 * one port per case, then `default`. An unknown kind has only `error`.
 */
export function outPortsOf(node: NodeDefinition): string[] {
  const module = nodeModuleOf(node.kind);
  if (!module) return ['error'];
  try {
    return portsOf(module, node.config ?? {});
  } catch {
    return [...module.info.outPorts, 'error'];
  }
}
