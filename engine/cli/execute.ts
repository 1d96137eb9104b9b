// One CLI run, start to finish, as plain data in and out: compile, pick the
// input, run. It runs inside the run worker (runWorker.ts), so a runaway run can
// be cut off without taking the reporting process with it.
import { dirname, join } from 'node:path';
import { compileWorkflow, runWorkflow } from '../index.ts';
import type { Json, RunOptions, WorkflowDefinition } from '../types.ts';
import { readJsonFile } from './jsonFile.ts';
import type { RunJob, RunReply } from './protocol.ts';

// Ids become file names: nothing that could climb out of the directory.
const SAFE_WORKFLOW_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export async function executeRun(job: RunJob): Promise<RunReply> {
  const compiled = compileWorkflow(job.definition);
  if (!compiled.ok) {
    return { type: 'invalid', errors: compiled.errors, warnings: compiled.warnings };
  }
  const definition = compiled.workflow.definition;
  const samples = definition.input?.samples ?? [];
  let input: Json = null;
  if (job.input !== undefined) {
    input = job.input;
  } else if (job.sample !== undefined) {
    const sample = samples.find((s) => s.name === job.sample);
    if (!sample) {
      return { type: 'unknownSample', sample: job.sample, available: samples.map((s) => s.name) };
    }
    input = sample.data;
  } else if (samples[0]) {
    input = samples[0].data;
  }

  const notes: string[] = [];
  const approvals = new Set(definition.nodes.filter((n) => n.kind === 'approval').map((n) => n.id));
  for (const id of Object.keys(job.decisions ?? {})) {
    if (!approvals.has(id)) notes.push(`the decisions name "${id}", which is not an approval node`);
  }

  const options: RunOptions = {
    mode: job.live ? 'live' : 'preview',
    resolveWorkflow: resolveBeside(job.file, notes),
  };
  if (job.decisions) options.decisions = job.decisions;
  if (job.live) {
    options.fetch = (url, init) => fetch(url, init as RequestInit);
    options.env = process.env;
  }
  const result = await runWorkflow(compiled.workflow, input, options);
  return { type: 'result', result, warnings: compiled.warnings, notes };
}

/** Sub-workflow ids resolve to `<id>.json` in the directory of the file that was run. */
export function resolveBeside(
  file: string,
  notes: string[],
): (id: string) => WorkflowDefinition | undefined {
  const directory = dirname(file);
  return (id) => {
    if (!SAFE_WORKFLOW_ID.test(id) || id.includes('..')) {
      notes.push(`sub-workflow id "${id}" cannot name a file`);
      return undefined;
    }
    const read = readJsonFile(join(directory, `${id}.json`));
    if (!read.ok) {
      notes.push(`sub-workflow "${id}": ${read.message}`);
      return undefined;
    }
    // The engine compiles what it is given and reports a broken one as SUBWORKFLOW_INVALID.
    return read.value as unknown as WorkflowDefinition;
  };
}
