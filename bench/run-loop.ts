// Full re-runs of one workload in a loop, for counting instructions per run
// where wall-clock time follows a noisy host: bundle it, then count two runs
// of it whose difference is the loop alone, e.g.
//
//   npx esbuild bench/run-loop.ts --bundle --platform=node --format=esm --outfile=/tmp/run-loop.mjs
//   RUNS=100 valgrind --tool=cachegrind --cache-sim=no node --predictable /tmp/run-loop.mjs
//   RUNS=300 valgrind --tool=cachegrind --cache-sim=no node --predictable /tmp/run-loop.mjs
//
// (the two "I refs" apart, divided by 200). WORKLOAD=big-1000 for another of
// bench/workloads.ts (default realistic-100). It compares builds on one
// machine; it is not a budget.

import { compileWorkflow, runWorkflow } from '../engine/index.ts';
import { allWorkloads } from './workloads.ts';

const name = process.env.WORKLOAD ?? 'realistic-100';
const workload = allWorkloads().find((w) => w.name === name);
if (!workload) throw new Error(`no workload named ${name}`);
const compiled = compileWorkflow(workload.definition);
if (!compiled.ok) throw new Error(`${name} does not compile`);
const runs = Number(process.env.RUNS ?? 100);

// Warm up first, so that both counts include the same compilation by V8.
for (let i = 0; i < 20 + runs; i++) await runWorkflow(compiled.workflow, workload.input);
