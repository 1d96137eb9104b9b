// The app's layout engine: elk in its own (classic) worker, loaded from the
// worker script elkjs ships, so a layout never blocks the page.
import ElkApi from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export async function createWorkerElk() {
  return new ElkApi({ workerUrl: elkWorkerUrl });
}
