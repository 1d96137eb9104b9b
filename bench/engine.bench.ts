// Engine benchmarks (issue 5): `npm run bench` (= `npx tsx bench/engine.bench.ts`).
//
// For each generated workload (bench/workloads.ts): median and p99 of a full
// re-run, µs per node, the share of the run spent outside expressions and
// schema checks (engine overhead, by replaying those calls: bench/replay.ts),
// an incremental re-run after one node's config changes, a recompile after
// that edit and after a node is added, and the heap held by one compiled
// workflow. dag-500 is also run on litegraph.js and
// @flowgram.ai/runtime-js in interleaved rounds, and the ratios printed.
// Prints a Markdown report on stdout; bench/RESULTS.md records one.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearExpressionCache } from '../engine/expression/index.ts';
import { clearSchemaCache } from '../engine/util/schema.ts';
import {
  type CompiledWorkflow,
  type RunResult,
  compileWorkflow,
  runWorkflow,
} from '../engine/index.ts';
import { countFor, formatMs, formatUs, median, sample, stats, warm } from './measure.ts';
import { type Peer, flowgramDag500, litegraphDag500 } from './peers.ts';
import { replayOf } from './replay.ts';
import { type Workload, allWorkloads, dag500, withEdit, withNodeAdded } from './workloads.ts';

// Heap figures need a forced collection: re-run this file with --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}
const collect = gc as () => void;

const quick = process.argv.includes('--quick');
/** Compiled copies held at once to measure the heap per compiled workflow. */
const HELD_COPIES = 8;
/** Time spent sampling each measurement, in milliseconds. */
const BUDGET = quick ? 300 : 1500;
/** Rounds alternating runs and replays, for the engine overhead. */
const OVERHEAD_ROUNDS = quick ? 5 : 15;

function compiled(definition: unknown): CompiledWorkflow {
  const result = compileWorkflow(definition);
  if (!result.ok) throw new Error(`does not compile: ${JSON.stringify(result.errors[0])}`);
  return result.workflow;
}

async function expectSucceeded(result: Promise<RunResult>, name: string): Promise<RunResult> {
  const run = await result;
  if (run.status !== 'succeeded') throw new Error(`${name}: run ${run.status}`);
  return run;
}

interface Row {
  name: string;
  nodes: number;
  computeNodes: number;
  full: ReturnType<typeof stats>;
  perNodeUs: number;
  overhead: number;
  replayMedian: number;
  fullWithResults: number;
  incremental: ReturnType<typeof stats>;
  editCompile: number;
  editCompileAlone: number;
  graphCompile: number;
  graphCompileKept: number;
  heapKb: number;
}

async function measureWorkload(workload: Workload): Promise<Row> {
  const { definition, input, name } = workload;
  const workflow = compiled(definition);
  const first = await expectSucceeded(runWorkflow(workflow, input), name);
  const fullRun = () => runWorkflow(workflow, input);
  await warm(fullRun, BUDGET / 3);
  const probe = median(await sample(fullRun, 20));

  // Expression and schema time: the same calls, replayed outside the engine,
  // in rounds alternating with runs so both see the same machine.
  const replay = replayOf(definition, input, first);
  await warm(replay, BUDGET / 3);
  const perRound = countFor(probe, BUDGET / OVERHEAD_ROUNDS, 10, 4_000);
  const runSamples: number[] = [];
  const replaySamples: number[] = [];
  const shares: number[] = [];
  for (let round = 0; round < OVERHEAD_ROUNDS; round++) {
    const runs = await sample(fullRun, perRound);
    const replays = await sample(replay, perRound);
    runSamples.push(...runs);
    replaySamples.push(...replays);
    shares.push((median(runs) - median(replays)) / median(runs));
  }
  const full = stats(runSamples);
  const replayMedian = median(replaySamples);

  // What a caller that reads every node's record pays on top (RunResult.nodes
  // is built on first read).
  const withResults = async () => (await runWorkflow(workflow, input)).nodes;
  await warm(withResults, BUDGET / 6);
  const fullWithResults = median(
    await sample(withResults, countFor(probe, BUDGET / 2, 20, 10_000)),
  );

  // An edit: recompile with one node's config changed, re-run reusing the
  // previous result; alternate between the two versions so each run is an edit.
  const versions = [workflow, compiled(withEdit(workload))];
  let previous = first;
  let turn = 1;
  const editRun = async () => {
    const next = versions[turn % 2] as CompiledWorkflow;
    turn++;
    previous = await runWorkflow(next, input, { previous });
  };
  await warm(editRun, BUDGET / 3);
  const incremental = stats(await sample(editRun, countFor(probe / 4, BUDGET, 30, 20_000)));
  const editedDefinition = withEdit(workload);
  const editCompile = median(await sample(() => compileWorkflow(editedDefinition), 30));
  // As the editor's worker compiles it: with the previous plan, so the edited node alone.
  const editCompileAlone = median(
    await sample(() => compileWorkflow(editedDefinition, { previous: workflow }), 30),
  );
  // An edit of the graph: a node dropped from the palette and connected from
  // the trigger, which moves most nodes in run order. With the previous plan,
  // every other node keeps its checked config and compiled expressions.
  const grown = withNodeAdded(workload);
  const graphCompile = median(await sample(() => compileWorkflow(grown), 30));
  const graphCompileKept = median(
    await sample(() => compileWorkflow(grown, { previous: workflow }), 30),
  );

  // Heap held by one compiled workflow, expressions and schemas compiled
  // cold: HELD_COPIES copies, the caches emptied before each (so no copy
  // shares another's compiled expressions or validators), all held at once,
  // and the heap's growth divided among them. `held` is replaced before the
  // first collection: measured one copy at a time, the copy of the round
  // before was still referenced when the heap was first read and freed by
  // the second reading, and the later rounds read about nothing (dag-500:
  // 2.9 MiB, then 138 and 158 KiB).
  const heaps: number[] = [];
  for (let i = 0; i < 3; i++) {
    const held: CompiledWorkflow[] = [];
    collect();
    const before = process.memoryUsage().heapUsed;
    for (let c = 0; c < HELD_COPIES; c++) {
      clearExpressionCache();
      clearSchemaCache();
      held.push(compiled(structuredClone(definition)));
    }
    collect();
    heaps.push((process.memoryUsage().heapUsed - before) / HELD_COPIES);
    if (held.some((copy) => copy.order.length === 0)) throw new Error('empty plan');
  }

  const nodes = definition.nodes.length;
  return {
    name,
    nodes,
    computeNodes: workload.computeNodes,
    full,
    perNodeUs: (full.median * 1000) / nodes,
    overhead: Math.max(0, median(shares)),
    replayMedian,
    fullWithResults,
    incremental,
    editCompile,
    editCompileAlone,
    graphCompile,
    graphCompileKept,
    heapKb: median(heaps) / 1024,
  };
}

interface PeerRow {
  name: string;
  median: number;
  p99: number;
  /** Median over rounds of (peer median / Weft median) in the same round. */
  ratio: number;
  rounds: number;
}

/** dag-500 on Weft and its peers, in interleaved rounds. */
async function comparePeers(): Promise<{
  weft: ReturnType<typeof stats>;
  peers: PeerRow[];
  notes: string[];
}> {
  const workload = dag500();
  const workflow = compiled(workload.definition);
  const expected = (await expectSucceeded(runWorkflow(workflow, workload.input), 'dag-500')).output;
  const weftRun = () => runWorkflow(workflow, workload.input);

  const notes: string[] = [];
  const contenders: { peer: Peer; perRound: number; rounds: number }[] = [];
  const litegraph = litegraphDag500();
  contenders.push({ peer: litegraph, perRound: quick ? 200 : 1000, rounds: quick ? 5 : 15 });
  try {
    const flowgram = await flowgramDag500();
    contenders.push({ peer: flowgram, perRound: 1, rounds: quick ? 1 : 3 });
  } catch (error) {
    notes.push(`@flowgram.ai/runtime-js skipped: ${String(error)}`);
  }
  for (const { peer } of contenders) {
    const value = await peer.run();
    if (value !== expected)
      throw new Error(`${peer.name} computed ${value}, Weft ${String(expected)}`);
  }

  // Each peer is paired with Weft on its own, litegraph.js first: flowgram's
  // runs leave hundreds of megabytes of garbage (a QuickJS context per node),
  // and interleaving them with the litegraph rounds made every collection in
  // Weft's rounds slower while litegraph, which allocates nothing per pass,
  // did not notice.
  await warm(weftRun, BUDGET / 2);
  await warm(() => litegraph.run(), BUDGET / 2);
  const weftAll: number[] = [];
  const rows: PeerRow[] = [];
  for (const contender of contenders) {
    collect();
    const peerSamples: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < contender.rounds; round++) {
      const weftRound = await sample(weftRun, quick ? 200 : 1000);
      if (contender.peer === litegraph) weftAll.push(...weftRound);
      const peerRound = await sample(() => contender.peer.run(), contender.perRound);
      peerSamples.push(...peerRound);
      ratios.push(median(peerRound) / median(weftRound));
    }
    const s = stats(peerSamples);
    rows.push({
      name: contender.peer.name,
      median: s.median,
      p99: s.p99,
      ratio: median(ratios),
      rounds: contender.rounds,
    });
  }
  return { weft: stats(weftAll), peers: rows, notes };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [];
  const out = (line = '') => {
    lines.push(line);
    console.log(line);
  };
  out(`## Engine (Node), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out();
  out(
    `Command: \`npm run bench\`${quick ? ' -- --quick' : ''}. Machine: ${cpu}, ${os.cpus().length} cores, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`,
  );
  out();
  // The peer comparison runs first, while the process is as fresh as when
  // each workload row below starts: run after big-1000 and the heap
  // measurements, Weft's dag-500 passes took about twice as long (a larger
  // heap, slower collections), which would compare a tired Weft with a fresh
  // litegraph.
  const peerComparison = await comparePeers();
  out(
    '| workload | nodes | full re-run median | p99 | µs per node | with every node result read | in expressions + schemas | engine overhead | incremental re-run median (p99) | recompile after edit: whole / with previous | recompile after a node is added: whole / with previous | heap per compiled workflow |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const workload of allWorkloads()) {
    const r = await measureWorkload(workload);
    out(
      `| ${r.name} | ${r.nodes} | ${formatMs(r.full.median)} | ${formatMs(r.full.p99)} | ${formatUs(r.perNodeUs / 1000)} | ${formatMs(r.fullWithResults)} | ` +
        `${formatMs(r.replayMedian)} | ${pct(r.overhead)} | ${formatMs(r.incremental.median)} (${formatMs(r.incremental.p99)}) | ` +
        `${formatMs(r.editCompile)} / ${formatMs(r.editCompileAlone)} | ` +
        `${formatMs(r.graphCompile)} / ${formatMs(r.graphCompileKept)} | ${r.heapKb.toFixed(0)} KiB |`,
    );
  }
  out();
  out('µs per node divides by every node of the definition (trigger, merges and output included).');
  out(
    'Engine overhead: the median over interleaved rounds of (run − replay) / run, where the replay makes the same expression evaluations and schema checks outside the engine (bench/replay.ts).',
  );
  out();

  const { weft, peers, notes } = peerComparison;
  out('### dag-500 against peers (interleaved rounds, same process, same result checked)');
  out();
  out('| engine | median per pass | p99 | µs per node (500) | time relative to Weft |');
  out('|---|---|---|---|---|');
  out(
    `| Weft | ${formatMs(weft.median)} | ${formatMs(weft.p99)} | ${formatUs(weft.median / 500)} | 1 |`,
  );
  for (const p of peers) {
    out(
      `| ${p.name} | ${formatMs(p.median)} | ${formatMs(p.p99)} | ${formatUs(p.median / 500)} | ` +
        `${p.ratio.toFixed(p.ratio >= 10 ? 0 : 2)}× (median of ${p.rounds} rounds) |`,
    );
  }
  for (const note of notes) out(`\n${note}`);
  out();
  out(`(benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

await main();
