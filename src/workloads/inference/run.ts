import { RandomStreams } from '../../engine/random.js';
import { Simulation } from '../../engine/simulation.js';
import { Fleet } from '../../fleet/fleet.js';
import { buildCells } from '../../network/cells.js';
import { Transfers } from '../../network/transfer.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import { Dispatcher } from './dispatcher.js';
import { ModelDownloads } from './model-download.js';
import { OffloadPath } from './offload.js';
import { OnDeviceExecutor } from './on-device.js';
import { SplitRouter, type SplitView } from './placement/split.js';
import { type ChooseTarget, placementPolicy } from './placement.js';
import { LiveRequests } from './request.js';
import { RequestLog } from './request-log.js';
import type { ResolvedInference } from './resolve.js';
import { InferenceRollout } from './rollout-run.js';
import { VersionLog } from './rollout-tables.js';
import { SplitLog } from './split/log.js';
import { SplitRequests } from './split/route.js';
import { type InferenceTables, inferenceTables } from './tables.js';

/**
 * Runs a scenario's inference workload on its fleet. Each device draws
 * arrivals from its own stream; the placement policy sends each request to
 * the device itself ({@link OnDeviceExecutor}) or to a server
 * ({@link OffloadPath}: upload over the device's shared cell, the RTT, the
 * server's shared ingress, its batching queue, the roofline time of the
 * batch, and back over the shared downlink). With `modelDownload` devices
 * fetch the model first ({@link ModelDownloads}). Energy of compute, radio
 * and idle is metered per device; availability, failures and batteries take
 * devices down, failing what they were doing.
 *
 * A pure function of (resolved scenario, seed); `progress` hears of the
 * simulated time every {@link PROGRESS_EVENTS} events and changes nothing.
 */
export function runInference(
  resolved: ResolvedInference,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): InferenceTables {
  const { scenario } = resolved;
  const inference = scenario.workload.inference;
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  // Construction order is event order: the fleet's, the cells', the downloads' and then the arrivals' first events.
  const fleet = new Fleet(sim, streams, resolved.groups, {
    baseDir: resolved.baseDir,
    radio: resolved.radio,
  });
  const { cells, cellOf } = buildCells(sim, scenario, resolved.baseDir);
  const splits = splitLogOf(resolved);
  const versions =
    resolved.rollout === undefined
      ? undefined
      : new VersionLog(resolved.rollout.spec.sampleEvery, scenario.duration);
  const log = new RequestLog({
    groupOf: fleet.groupOf,
    groups: resolved.groups.length,
    serverTiers: resolved.servers.map((s) => s.tier),
    rows: scenario.outputs.requests,
    warmupS: scenario.warmup,
    ...(splits === undefined ? {} : { splits }),
    ...(versions === undefined ? {} : { versions }),
  });
  const requests = new LiveRequests(
    sim,
    log,
    fleet.groupOf,
    inference.deadline ?? Number.POSITIVE_INFINITY,
  );
  // Every byte a device sends or receives, its own requests' and its model's.
  const transfers = new Transfers(sim, fleet, cells, cellOf);
  const offload = new OffloadPath(
    sim,
    fleet,
    cells,
    cellOf,
    transfers,
    requests,
    log,
    resolved.servers,
    {
      inputBytes: inference.input,
      outputBytes: inference.output,
    },
    resolved.split?.servers.map((s) => s.batchTimeS),
  );
  const device = new OnDeviceExecutor(
    sim,
    fleet,
    requests,
    resolved.deviceTimeS,
    inference.deviceQueue,
  );
  const policy = placementPolicy(inference.placement.policy);
  const downloads = inference.modelDownload
    ? new ModelDownloads({
        sim,
        fleet,
        transfers,
        bytes: resolved.modelBytes,
        // The device asks a server behind its cell for the model: one round trip before the first byte.
        leadS: (d) => cells[cellOf[d]!]!.rttS,
        wants: (d) => policy.runsOnDevice !== 'never' && device.timeS(d) !== undefined,
        onReady: (d) => device.startNext(d),
      })
    : undefined;
  if (downloads !== undefined) device.waitForModel(downloads);
  // Update downloads share the cells with requests: the same transfers.
  const rollout =
    resolved.rollout === undefined
      ? undefined
      : new InferenceRollout(
          { sim, fleet, transfers, cells, cellOf, streams, device, requests },
          resolved,
          resolved.rollout,
        );

  fleet.listen({
    deviceDown: (d) => {
      device.deviceDown(d);
      downloads?.abort(d);
      // Before the offload path aborts every transfer of the device, its update's among them.
      rollout?.engine.deviceDown(d);
      offload.deviceDown(d);
    },
    deviceUp: (d) => {
      downloads?.start(d);
      rollout?.engine.deviceUp(d);
    },
  });
  if (rollout !== undefined) {
    rollout.start();
    versions!.sample(sim, () => rollout.engine.running);
  }

  const view: SplitView = {
    sim,
    streams,
    resolved,
    fleet,
    cells,
    cellOf,
    servers: offload.servers,
    // Until its model has arrived a device is no candidate for its own requests.
    localTimeS: (d) => (device.hasModel(d) ? device.timeS(d) : undefined),
    localBacklog: (d) => device.backlog(d),
    localWorkS: (d) => device.localWorkS(d),
    uploadBits: inference.input * 8,
    downloadBits: inference.output * 8,
  };
  let choose: ChooseTarget;
  let split: SplitRequests | undefined;
  if (resolved.split === undefined) {
    choose = policy.chooser(view, inference.placement.objective);
  } else {
    const router = new SplitRouter(view, inference.placement.objective, resolved.split);
    split = new SplitRequests(router, resolved.split, fleet, resolved.groups, streams);
    device.handOff((request) => offload.send(request));
    choose = (d) => {
      router.choose(d);
      return router.target;
    };
  }
  const targets = { requests, choose, device, offload, ...(split === undefined ? {} : { split }) };
  new Dispatcher(sim, fleet, targets, scenario.duration).start(
    resolved.groups,
    streams,
    resolved.baseDir,
  );

  // Devices keep changing state forever; stop once arrivals have ended and the last request is done.
  runReporting(sim, scenario.duration, () => requests.count === 0, progress);
  fleet.finish();
  return inferenceTables(
    resolved,
    fleet,
    log,
    offload.servers,
    downloads,
    sim.now,
    splits,
    rollout === undefined ? undefined : { engine: rollout.engine, versions: versions! },
  );
}

/** The split log of a run under `placement: split`, else undefined. */
function splitLogOf(resolved: ResolvedInference): SplitLog | undefined {
  if (resolved.split === undefined) return undefined;
  const groups = resolved.groups.map((g) => ({
    busyW: g.profile.activeW - g.profile.idleW,
    radio: resolved.radio[g.spec.network.technology],
  }));
  return new SplitLog(resolved.split, groups, resolved.scenario.workload.inference.output * 8);
}

/** Events between two progress updates: often enough for the eye, rare enough to cost nothing. */
const PROGRESS_EVENTS = 10_000;

/**
 * `sim.run({ untilS: durationS })`, then on until `done()`, in slices of
 * {@link PROGRESS_EVENTS} events with a progress update between slices. The
 * events fire in the same order as in one call (a slice only stops the loop).
 */
function runReporting(
  sim: Simulation,
  durationS: number,
  done: () => boolean,
  progress: ProgressReporter,
): void {
  const total = formatClock(durationS);
  const slice = { untilS: durationS, maxEvents: PROGRESS_EVENTS };
  while (sim.run(slice) === 'max-events')
    progress.update(sim.now / durationS, `simulated ${formatClock(sim.now, durationS)}/${total}`);
  progress.update(1, `simulated ${total}/${total}`);
  const drain = { stopWhen: done, maxEvents: PROGRESS_EVENTS };
  while (!done() && sim.run(drain) === 'max-events')
    progress.update(1, `simulated ${total}, finishing requests under way`);
}
