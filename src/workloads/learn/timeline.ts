/**
 * The devices learning the stream in simulated time: task t reaches every
 * device at `t x every` (tasks after the base one with `learn.base`); a
 * device learns the tasks it holds in order, one at a time, while it is up
 * and (with `when: charging`, on a battery) once its group's charging window
 * is open (once started, a task runs to its end even if the window closes);
 * a mains-powered device learns as tasks arrive. A
 * task takes its FLOPs (memory.ts) at the profile's fp32 rate times the
 * device's throughput factor; the device draws its active power meanwhile
 * and idles otherwise, and its battery drains and charges as the fleet model
 * says. A device that goes down mid-task loses that task's progress (no
 * checkpoint) and starts it again when it is back. Learning outcomes do not
 * depend on the device (every device gets the same stream): the accuracy
 * comes from learner.ts, the time and energy from here.
 */
import type { RadioModels } from '../../energy/radio.js';
import type { EventId } from '../../engine/event-queue.js';
import { RandomStreams } from '../../engine/random.js';
import { Priority, Simulation } from '../../engine/simulation.js';
import { Fleet, type FleetGroup } from '../../fleet/fleet.js';
import { resolvePrecision } from '../../fleet/roofline.js';

/** What the timeline needs of a run. */
export interface TimelineInputs {
  readonly groups: readonly FleetGroup[];
  readonly baseDir: string;
  readonly radio: RadioModels;
  readonly seed: number;
  /** FLOPs of each task on a device; null for a task learned before deployment. */
  readonly flops: readonly (number | null)[];
  readonly everyS: number;
  readonly when: 'arrival' | 'charging';
  readonly horizonS: number;
}

/** Per device, what happened. */
export interface Timeline {
  readonly fleet: Fleet;
  /** `doneAtS[t][d]`: when device d finished task t (NaN: not by the end, or not on the device). */
  readonly doneAtS: Float64Array[];
  /** When task t arrived (NaN for a task learned before deployment). */
  readonly arrivalS: Float64Array;
  /** Tasks restarted because the device went down mid-task. */
  readonly restarts: Uint32Array;
  /** Seconds of learning lost to those restarts. */
  readonly lostS: Float64Array;
  readonly endS: number;
}

/** fp32 FLOP/s of each group's profile (resolve.ts refuses profiles that cannot train). */
export function trainingRates(groups: readonly FleetGroup[]): number[] {
  return groups.map((g) => {
    const precision = resolvePrecision(g.profile, 'fp32');
    return precision.ok ? g.profile.throughput[precision.precision]!.achievableFlops : 0;
  });
}

/** Simulates the fleet learning the stream (file header). */
export function simulateLearning(inputs: TimelineInputs): Timeline {
  const sim = new Simulation();
  const fleet = new Fleet(sim, new RandomStreams(inputs.seed), inputs.groups, {
    baseDir: inputs.baseDir,
    radio: inputs.radio,
  });
  const tasks = inputs.flops.length;
  const n = fleet.count;
  const rates = trainingRates(inputs.groups);
  // Under `when: charging` a battery-powered device waits for its window; a mains-powered one does not.
  const waitsForCharger = inputs.groups.map(
    (g) => inputs.when === 'charging' && g.spec.battery?.charging !== undefined,
  );
  const onDevice = inputs.flops.flatMap((f, t) => (f === null ? [] : [t]));
  const arrivalS = new Float64Array(tasks).fill(Number.NaN);
  onDevice.forEach((t, k) => {
    arrivalS[t] = k * inputs.everyS;
  });
  const doneAtS = Array.from({ length: tasks }, () => new Float64Array(n).fill(Number.NaN));
  const position = new Uint32Array(n); // index into onDevice of each device's next task
  const running = new Float64Array(n).fill(-1);
  const startedS = new Float64Array(n);
  const restarts = new Uint32Array(n);
  const lostS = new Float64Array(n);
  let arrived = 0;

  const finish = (d: number): void => {
    running[d] = -1;
    fleet.setBusy(d, false);
    doneAtS[onDevice[position[d]!]!]![d] = sim.now;
    position[d]!++;
    tryStart(d);
  };
  const tryStart = (d: number): void => {
    if (running[d]! >= 0 || position[d]! >= arrived || !fleet.isOnline(d)) return;
    if (waitsForCharger[fleet.groupOf[d]!] && !fleet.isCharging(d)) return;
    const t = onDevice[position[d]!]!;
    const seconds = inputs.flops[t]! / (rates[fleet.groupOf[d]!]! * fleet.throughputFactor[d]!);
    fleet.setBusy(d, true);
    if (!fleet.isOnline(d)) return; // the battery emptied as it started
    startedS[d] = sim.now;
    running[d] = sim.schedule(seconds, finish, Priority.normal, d);
  };
  fleet.listen({
    deviceDown(d) {
      if (running[d]! < 0) return;
      sim.cancel(running[d] as EventId);
      running[d] = -1;
      fleet.setBusy(d, false);
      restarts[d]!++;
      lostS[d]! += sim.now - startedS[d]!;
    },
    deviceUp: tryStart,
  });
  const arrive = (): void => {
    arrived++;
    for (let d = 0; d < n; d++) tryStart(d);
  };
  for (const t of onDevice) sim.scheduleAt(arrivalS[t]!, arrive, Priority.late);
  if (inputs.when === 'charging') scheduleWindows(sim, inputs, tryStart);
  const lastArrival = onDevice.length === 0 ? 0 : arrivalS[onDevice[onDevice.length - 1]!]!;
  const endS = lastArrival + inputs.horizonS;
  sim.run({ untilS: endS });
  fleet.finish();
  return { fleet, doneAtS, arrivalS, restarts, lostS, endS };
}

/** Wakes each group's devices when its daily charging window opens (after the fleet opens it). */
function scheduleWindows(
  sim: Simulation,
  inputs: TimelineInputs,
  tryStart: (d: number) => void,
): void {
  inputs.groups.forEach((group) => {
    const window = group.spec.battery?.charging;
    if (window === undefined) return;
    const open = (): void => {
      for (let i = 0; i < group.spec.count; i++) tryStart(group.first + i);
      sim.schedule(86_400, open, Priority.late);
    };
    sim.scheduleAt((window.startHour * 3600) % 86_400, open, Priority.late);
  });
}
