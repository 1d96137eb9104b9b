// The engine's one public surface. The editor (through its worker), the CLI,
// tests and benchmarks import from here and nowhere deeper.

export { compileWorkflow } from './compile.ts';
export { runWorkflow } from './run.ts';
export { workflowSchema } from './definition/workflowSchema.ts';
export { NODE_KINDS } from './types.ts';
export { nodeKinds, outPortsOf } from './kinds.ts';
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
  CompileOptions,
  CompileResult,
  DefinitionPatch,
  Diagnostic,
  DiagnosticCode,
  EdgeDefinition,
  EdgeSplice,
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
