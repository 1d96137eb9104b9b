// What the CLI's main thread and its run worker say to each other. Everything
// here is structured-cloneable data: the worker owns the compiled workflow.
import type { ApprovalDecision, Diagnostic, Json, RunResult } from '../types.ts';

export interface RunJob {
  /** The definition file's path: sub-workflows resolve to `<id>.json` beside it. */
  file: string;
  definition: Json;
  /** From `--input`; wins over `sample`. */
  input?: Json;
  /** From `--sample`. With neither, the first sample is used (null when none). */
  sample?: string;
  decisions?: Record<string, ApprovalDecision>;
  live: boolean;
}

export type RunReply =
  | { type: 'invalid'; errors: Diagnostic[]; warnings: Diagnostic[] }
  | { type: 'unknownSample'; sample: string; available: string[] }
  | { type: 'result'; result: RunResult; warnings: Diagnostic[]; notes: string[] };
