// Reads a Chrome trace written by `BENCH_PROFILE=1 npm run bench:browser`
// (test-results/bench-browser/typing-*.trace.json) and prints, per keystroke,
// what decides whether the preview is painted in the keystroke's own frame:
// when the request left for the worker, how long the worker took (wall and
// thread time: on a busy machine it waits for a core), when its reply was
// handled on the main thread, and when the keystroke's frame began; and what
// each frame costs in Chromium's rendering steps (style, layout, paint,
// layerize, commit), in thread time.
//
// Run: npx tsx bench/browser/trace-report.ts [trace.json ...]

import { readFileSync } from 'node:fs';
import { threadNames, topLevelTasks, type TraceEvent } from './traceEvents.ts';

const FRAME_WORK = new Set(['Paint', 'PrePaint', 'Layerize', 'UpdateLayoutTree']);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ] as number;
}

function report(file: string): void {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as
    { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
  const threadOf = threadNames(events);
  const main = events.filter((e) => threadOf(e) === 'CrRendererMain').sort((a, b) => a.ts - b.ts);
  const worker = events.filter((e) => threadOf(e).startsWith('DedicatedWorker'));
  const handledOnWorker = new Map<string, TraceEvent>();
  for (const e of worker) {
    const id = e.args?.data?.traceId;
    if (e.name === 'HandlePostMessage' && e.ph === 'X' && id) handledOnWorker.set(id, e);
  }
  const postedByWorker = new Map<string, TraceEvent>();
  for (const e of worker) {
    const id = e.args?.data?.traceId;
    if (e.name === 'SchedulePostMessage' && e.ph === 'I' && id) postedByWorker.set(id, e);
  }
  const handledOnMain = new Map<string, TraceEvent>();
  for (const e of main) {
    const id = e.args?.data?.traceId;
    if (e.name === 'HandlePostMessage' && e.ph === 'X' && id) handledOnMain.set(id, e);
  }
  // Frame tasks: top-level main-thread tasks that run style, layout or paint.
  // Top-level tasks only (a RunTask may nest inside another).
  const tasks = topLevelTasks(main).map((t) => t.task);
  const work = main.filter((e) => FRAME_WORK.has(e.name) && e.ph === 'X');
  const frames: number[] = [];
  let w = 0;
  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    while (w < work.length && (work[w] as TraceEvent).ts < task.ts) w++;
    if (
      w < work.length &&
      (work[w] as TraceEvent).ts < end &&
      (work[w] as TraceEvent).name !== 'UpdateLayoutTree'
    ) {
      frames.push(task.ts);
    } else if (
      w < work.length &&
      (work[w] as TraceEvent).ts < end &&
      work.slice(w, w + 4).some((x) => x.ts < end && x.name === 'Paint')
    ) {
      frames.push(task.ts);
    }
  }
  const channelHandlers = main.filter((e) => {
    const name = e.args?.data?.functionName ?? '';
    return e.name === 'FunctionCall' && name.endsWith('.onmessage') && !name.startsWith('channel.');
  });
  const keydowns = main.filter(
    (e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown',
  );
  const posts = main.filter((e) => e.name === 'SchedulePostMessage' && e.ph === 'I');
  const rows = {
    post: [] as number[],
    workerWall: [] as number[],
    workerThread: [] as number[],
    replyPosted: [] as number[],
    replyHandled: [] as number[],
    replyTaskCpu: [] as number[],
    keyFrame: [] as number[],
  };
  let made = 0;
  let counted = 0;
  for (let i = 0; i < keydowns.length; i++) {
    const key = keydowns[i] as TraceEvent;
    const next = (keydowns[i + 1] as TraceEvent | undefined)?.ts ?? Infinity;
    const post = posts.find(
      (p) => p.ts >= key.ts && p.ts < next && handledOnWorker.has(p.args?.data?.traceId ?? ''),
    );
    if (!post) continue;
    const handled = handledOnWorker.get(post.args?.data?.traceId ?? '') as TraceEvent;
    // The worker's reply: the first message it posts after it took the request.
    let reply: TraceEvent | undefined;
    for (const [id, e] of postedByWorker) {
      if (e.ts >= handled.ts && handledOnMain.has(id) && (!reply || e.ts < reply.ts)) reply = e;
    }
    if (!reply) continue;
    let arrived = handledOnMain.get(reply.args?.data?.traceId ?? '') as TraceEvent;
    // A reply on the preview's BroadcastChannel (src/engine/client.ts) is no
    // posted message: its handler is the first `….onmessage` call after the
    // request (not the probes' MessageChannel), and comlink's own answer,
    // a posted message, only says the reply is out.
    const onChannel = channelHandlers.find((e) => e.ts > post.ts && e.ts < next);
    if (onChannel) arrived = onChannel;
    const frame = frames.find((f) => f > key.ts);
    if (frame === undefined) continue;
    counted++;
    if (arrived.ts < frame) made++;
    rows.post.push((post.ts - key.ts) / 1000);
    rows.workerWall.push((handled.dur ?? 0) / 1000);
    rows.workerThread.push((handled.tdur ?? 0) / 1000);
    rows.replyPosted.push((reply.ts - key.ts) / 1000);
    rows.replyHandled.push((arrived.ts - key.ts) / 1000);
    // The main-thread task that applied the reply (deserialize, store, React).
    // A BroadcastChannel message is dispatched outside any traced RunTask, so
    // for it there is no task to measure (left out).
    const applying = tasks.find((t) => t.ts <= arrived.ts && t.ts + (t.dur ?? 0) >= arrived.ts);
    if (applying && arrived !== onChannel) rows.replyTaskCpu.push((applying.tdur ?? 0) / 1000);
    rows.keyFrame.push((frame - key.ts) / 1000);
  }
  // Thread (CPU) time per keystroke, from one keydown to the next: less
  // sensitive to a busy machine than wall time, so builds compare fairly.
  const cpu = { main: [] as number[], input: [] as number[], worker: [] as number[] };
  const workerTasks = worker.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  for (let i = 0; i + 1 < keydowns.length; i++) {
    const from = (keydowns[i] as TraceEvent).ts;
    const to = (keydowns[i + 1] as TraceEvent).ts;
    const inRange = (e: TraceEvent) => e.ts + (e.dur ?? 0) > from && e.ts < to;
    const sum = (list: TraceEvent[]) => list.reduce((t, e) => t + (e.tdur ?? 0), 0) / 1000;
    const own = tasks.filter((e) => e.ts >= from - 1000 && e.ts < to);
    cpu.main.push(sum(own));
    cpu.input.push(sum(own.filter((e) => e.ts <= from && e.ts + (e.dur ?? 0) >= from)));
    cpu.worker.push(sum(workerTasks.filter(inRange)));
  }
  const fmt = (v: number) => (Math.round(v * 10) / 10).toFixed(1);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  console.log(
    `CPU per keystroke (thread time, mean): main thread ${fmt(mean(cpu.main))} ms, of which the keystroke's input task ${fmt(mean(cpu.input))} ms; worker ${fmt(mean(cpu.worker))} ms`,
  );
  reportFrameWork(main, keydowns.length);
  console.log(
    `${file}: ${counted} keystrokes with a request; reply handled before the keystroke's frame began: ${made} (${Math.round((100 * made) / Math.max(1, counted))}%)`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(rows).map(([k, v]) => [
        k,
        { p50: fmt(percentile(v, 50)), p95: fmt(percentile(v, 95)) },
      ]),
    ),
  );
}

/** The rendering steps of a frame on the main thread, in the trace's names. */
const RENDER_STEPS = ['UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit'];

/**
 * Per frame, the main thread's thread (CPU) time in each rendering step, and
 * how many frames an edit draws. Thread time, not wall time: on a shared
 * machine a step's wall time includes waits for a core, which swamp a change
 * of a few tenths of a millisecond. `Layerize` is Chromium's layer assignment
 * (PaintArtifactCompositor::Update); its short form, a repaint-only update,
 * runs under the same name.
 */
function reportFrameWork(main: TraceEvent[], keystrokes: number): void {
  const frames = main.filter((e) => e.name === 'Layerize' && e.ph === 'X').length;
  if (frames === 0) return;
  const parts = RENDER_STEPS.map((step) => {
    const ms = main
      .filter((e) => e.name === step && e.ph === 'X')
      .reduce((t, e) => t + (e.tdur ?? e.dur ?? 0), 0);
    return `${step} ${(ms / 1000 / frames).toFixed(2)}`;
  });
  console.log(
    `Rendering per frame (thread time, ms): ${parts.join(', ')}; ${(frames / Math.max(1, keystrokes)).toFixed(2)} frames per keystroke`,
  );
  // A full layer update runs PaintArtifactCompositor::Update inside Layerize
  // (traced with the `blink` category, BENCH_TRACE_CATEGORIES=blink); a
  // repaint-only one, taken when no paint chunk moved, resized or appeared, does not.
  const updates = main.filter((e) => e.name === 'PaintArtifactCompositor::Update');
  if (updates.length === 0) return;
  const layerizes = main.filter((e) => e.name === 'Layerize' && e.ph === 'X');
  const full: number[] = [];
  const repaint: number[] = [];
  let u = 0;
  for (const l of layerizes) {
    const end = l.ts + (l.dur ?? 0);
    while (u < updates.length && (updates[u] as TraceEvent).ts < l.ts) u++;
    const inside = u < updates.length && (updates[u] as TraceEvent).ts <= end;
    (inside ? full : repaint).push((l.tdur ?? l.dur ?? 0) / 1000);
  }
  const mean = (v: number[]) => (v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)).toFixed(2);
  console.log(
    `Layer updates: ${full.length} full (Layerize ${mean(full)} ms each), ${repaint.length} repaint-only (Layerize ${mean(repaint)} ms each)`,
  );
}

const files = process.argv.slice(2);
for (const file of files.length > 0
  ? files
  : ['test-results/bench-browser/typing-realistic-100.trace.json'])
  report(file);
