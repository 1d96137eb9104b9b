// How far an edit's re-run reaches: for realistic-100 and big-1000, runs the
// workflow with the browser benchmark's edit (`+ 1` typed after
// `$sum(order.items.price)` in the node it types into), then again with one
// more digit reusing that run (RunOptions.previous), and counts the nodes
// that ran again, those reused, those skipped, and the outputs that differ.
// Run: npx tsx bench/rerun-reach.ts

import { compileWorkflow, runWorkflow } from '../engine/index.ts';
import type { WorkflowDefinition } from '../engine/index.ts';
import {
  big1000,
  editedNode,
  realistic100,
  typedAtMarker,
  withExpression,
  type Workload,
} from './workloads.ts';

function typed(workload: Workload, id: string, text: string): WorkflowDefinition {
  const node = workload.definition.nodes.find((n) => n.id === id);
  const source = String(node?.config?.['expression']);
  return withExpression(workload.definition, id, typedAtMarker(source, text)).definition;
}

const rows = [];
for (const workload of [realistic100(), big1000()]) {
  const id = editedNode(workload);
  const [first, second] = [' + 1', ' + 12'].map((text) => {
    const compiled = compileWorkflow(typed(workload, id, text));
    if (!compiled.ok) throw new Error(`${workload.name} does not compile`);
    return compiled.workflow;
  });
  const before = await runWorkflow(first!, workload.input);
  const after = await runWorkflow(second!, workload.input, { previous: before });
  let ran = 0;
  let reused = 0;
  let skipped = 0;
  let differ = 0;
  for (const node of workload.definition.nodes) {
    const was = before.nodes[node.id];
    const now = after.nodes[node.id];
    if (now?.reused) reused++;
    else if (now?.status === 'skipped') skipped++;
    else ran++;
    if (JSON.stringify(was?.output) !== JSON.stringify(now?.output)) differ++;
  }
  rows.push({
    workload: workload.name,
    edited: id,
    nodes: workload.definition.nodes.length,
    ran,
    reused,
    skipped,
    outputsChanged: differ,
  });
}
console.table(rows);
