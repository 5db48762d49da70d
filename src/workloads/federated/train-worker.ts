import { parentPort, workerData } from 'node:worker_threads';
import { type ClientTask, prepareTraining, type TrainingSetup, trainClient } from './training.js';

/** A worker thread that trains federated clients: it prepares once, then trains each task it is sent. */
const context = await prepareTraining(workerData as TrainingSetup);
parentPort!.on('message', (task: ClientTask) => {
  const result = trainClient(context, task);
  parentPort!.postMessage(result, [result.weights.buffer as ArrayBuffer]);
});
parentPort!.postMessage('ready');
