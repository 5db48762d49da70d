import { parentPort, workerData } from 'node:worker_threads';
import { getFlatWeights } from '../ml/models/weights.js';
import { prepareTraining, trainClient } from '../workloads/federated/training.js';
import type { CeilingJob } from './fl-ceiling.js';

/** A thread of the ceiling benchmark: prepares, waits for the others, then times its clients' training. */
const job = workerData as CeilingJob;
const context = await prepareTraining(job.setup);
const start = new Int32Array(job.start);
Atomics.add(start, 0, 1);
Atomics.notify(start, 0);
for (let ready = Atomics.load(start, 0); ready < start[1]!; ready = Atomics.load(start, 0)) {
  Atomics.wait(start, 0, ready);
}
const global = getFlatWeights(context.handle.model);
const samplesPerClient = Math.floor(context.split.train.count / job.fleetClients);
const began = performance.now(); // wall: benchmark only
for (let client = 0; client < job.clients; client++) {
  const first = client * samplesPerClient;
  const indices = Int32Array.from({ length: samplesPerClient }, (_, i) => first + i);
  trainClient(context, global, {
    client,
    indices,
    local: job.local,
    seed: client + 1,
    proximalMu: 0,
  });
}
parentPort!.postMessage((performance.now() - began) / 1000); // wall: benchmark only
