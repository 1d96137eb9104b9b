// The run worker's entry. A worker thread does not inherit tsx's loader from the
// parent thread (not even through execArgv), so this plain JavaScript file
// registers tsx first and then loads the TypeScript worker it was given.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
