// Runs a job in a worker thread, so the process that reports survives what a
// run does: a runaway expression is cut off by terminating the worker when the
// time is up, and a memory blow-up hits the worker's own heap limit. Every run
// goes through a worker, not only bounded ones: the thread costs about a third
// of a second, and an unbounded run that eats memory must not crash the CLI.
import { Worker } from 'node:worker_threads';
import type { RunResult } from '../types.ts';
import type { RunJob, RunReply } from './protocol.ts';

export const RUN_MEMORY_LIMIT_MB = 512;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WorkerLimits {
  /** Wall-clock bound; undefined: none. */
  timeoutSeconds: number | undefined;
  memoryMb: number;
}

export function runInWorker(job: RunJob, limits: WorkerLimits): Promise<RunReply> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./workerBoot.mjs', import.meta.url), {
      workerData: { entry: new URL('./runWorker.ts', import.meta.url).href, job },
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const finish = (reply: RunReply): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      void worker.terminate();
      resolve(reply);
    };
    const timer =
      limits.timeoutSeconds === undefined
        ? undefined
        : setTimeout(
            () =>
              finish(
                stopped(
                  'RUN_TIMEOUT',
                  `the run did not finish within ${limits.timeoutSeconds} s and was stopped`,
                ),
              ),
            // setTimeout fires at once past 2^31 - 1 ms; that far off is as good as no bound.
            Math.min(limits.timeoutSeconds * 1000, MAX_TIMER_MS),
          );
    worker.on('message', (reply: RunReply) => finish(reply));
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(
          stopped(
            'LIMIT_EXCEEDED',
            `the run used more than ${limits.memoryMb} MB of memory and was stopped`,
          ),
        );
      } else {
        finish(stopped('INTERNAL_ERROR', `the engine crashed: ${error.stack ?? error.message}`));
      }
    });
    worker.on('exit', (code) =>
      finish(stopped('INTERNAL_ERROR', `the run worker exited (code ${code}) without a result`)),
    );
  });
}

function stopped(code: string, message: string): RunReply {
  const result: RunResult = { status: 'failed', output: null, error: { code, message }, nodes: {} };
  return { type: 'result', result, warnings: [], notes: [] };
}
