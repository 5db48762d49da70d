import { parentPort } from 'node:worker_threads';
import { serve } from './serve.js';
import { executeTask } from './task.js';

/** A sweep worker thread's entry: serves its pool with real runs. */
if (parentPort) serve(parentPort, executeTask);
