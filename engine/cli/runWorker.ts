// The run worker: one job in through workerData, one reply out. See runInWorker.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { executeRun } from './execute.ts';
import type { RunJob } from './protocol.ts';

const { job } = workerData as { job: RunJob };
parentPort?.postMessage(await executeRun(job));
