// What the browser benchmark's diagnostics read from a Chrome trace
// (trace-report.ts, layer-updates.bench.ts): each event's thread by name,
// and the main thread's top-level tasks with the events inside them.

export interface TraceEvent {
  name: string;
  ph: string;
  pid?: number;
  tid?: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { type?: string; traceId?: string; functionName?: string } };
}

/** The name of each event's thread (`CrRendererMain`, `DedicatedWorker thread`…), '' when unnamed. */
export function threadNames(events: readonly TraceEvent[]): (event: TraceEvent) => string {
  const names = new Map<string, string>();
  for (const e of events)
    if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  return (e) => names.get(`${e.pid}:${e.tid}`) ?? '';
}

/**
 * The top-level tasks among one thread's events sorted by time (a `RunTask`
 * may nest inside another), each with the events that fall inside it.
 */
export function topLevelTasks(
  sorted: readonly TraceEvent[],
): { task: TraceEvent; inside: TraceEvent[] }[] {
  const tasks: { task: TraceEvent; inside: TraceEvent[] }[] = [];
  for (const e of sorted) {
    const last = tasks[tasks.length - 1];
    if (last && e.ts < last.task.ts + (last.task.dur ?? 0)) last.inside.push(e);
    else if (e.name === 'RunTask' && e.ph === 'X') tasks.push({ task: e, inside: [] });
  }
  return tasks;
}
