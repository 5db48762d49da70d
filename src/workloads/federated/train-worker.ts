import { parentPort, workerData } from 'node:worker_threads';
import { prepareTraining, runJob, type TrainingSetup, transferables } from './training.js';
import type { WorkerReply, WorkerRequest } from './worker-pool.js';

/**
 * A worker thread of the real tier (see `worker-pool.ts`): it prepares once,
 * says it is ready, then for each batch of jobs it is sent claims jobs
 * through the batch's shared counter until none is left, doing each from the
 * global weights in the shared buffer it was given.
 */
const port = parentPort!;
const context = await prepareTraining(workerData as TrainingSetup);
let global: Float32Array = new Float32Array(0);
port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'global') {
    global = new Float32Array(request.buffer);
    return;
  }
  const next = new Int32Array(request.next);
  for (;;) {
    const index = Atomics.add(next, 0, 1);
    if (index >= request.jobs.length) return;
    const result = runJob(context, global, request.jobs[index]!);
    const reply: WorkerReply = { kind: 'done', batch: request.id, index, result };
    port.postMessage(reply, transferables(result));
  }
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);
