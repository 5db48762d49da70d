import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { prepareScenario } from '../index.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { PACKAGE_ROOT } from '../version.js';
import {
  type ClientTask,
  type TrainingSetup,
  trainingSetup,
} from '../workloads/federated/training.js';

/** What a ceiling worker is given: the setup, and the local training of each client it trains. */
export interface CeilingJob {
  setup: TrainingSetup;
  local: ClientTask['local'];
  /** Clients each thread trains. */
  clients: number;
  /** Clients in the scenario's fleet: each trains on an equal, contiguous share of the training split (IID in the scenario). */
  fleetClients: number;
  /** Int32 cells: [0] workers ready; all start when it reaches [1]. */
  start: SharedArrayBuffer;
}

const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'bench', 'fl-ceiling-worker.js');

/** Clients each thread trains per measurement (about 30 ms each). */
const CLIENTS = 60;

/**
 * The ceiling of the real tier's two-thread speedup on this machine: the
 * same client training (fl-bench-real's 2NN on a client's share of the
 * training split, its local epochs and batch size) run by one worker thread alone, then by two at once, each training
 * {@link CLIENTS} clients. Nothing is shared and nothing waits, so
 * 2 x (one thread's time) / (the slower of two threads' times) is the most
 * two threads can give on this work: what is left when the cores slow each
 * other down (shared caches, memory, and on a VM the host's scheduling).
 */
export async function federatedCeiling(
  pairs = 3,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<number[]> {
  const { loaded, prepared } = prepareScenario(
    join(PACKAGE_ROOT, 'scenarios', 'fl-bench-real.yaml'),
  );
  if (prepared.kind !== 'federated') throw new Error('fl-bench-real.yaml is not federated');
  const { resolved } = prepared;
  const setup = trainingSetup(resolved, loaded.scenario.seed);
  const time = async (threads: number): Promise<number[]> => {
    const start = new Int32Array(new SharedArrayBuffer(8));
    start[1] = threads;
    const job: CeilingJob = {
      setup,
      local: resolved.scenario.federated.local,
      clients: CLIENTS,
      fleetClients: resolved.clientCount,
      start: start.buffer,
    };
    const workers = Array.from(
      { length: threads },
      () => new Worker(WORKER_SCRIPT, { workerData: job }),
    );
    const times = await Promise.all(
      workers.map(
        (w) =>
          new Promise<number>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    await Promise.all(workers.map((w) => w.terminate()));
    return times;
  };
  const ceilings: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const [alone] = await time(1);
    const together = await time(2);
    ceilings.push((2 * alone!) / Math.max(...together));
    progress.update((pair + 1) / pairs, `pair ${pair + 1} of ${pairs}`);
  }
  return ceilings;
}
