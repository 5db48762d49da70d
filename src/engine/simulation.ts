import { type EventCallback, type EventId, EventQueue } from './event-queue.js';
import { type ProcessBody, startProcess } from './process.js';
import { INJECTED_SLOWDOWN, slowedCall } from './slowdown.js';

/** Priorities for events at the same instant: lower fires first. */
export const Priority = { urgent: 0, normal: 1, late: 2 } as const;

/** When {@link Simulation.run} stops. All fields are optional; none means "until empty". */
export interface RunLimits {
  /** Fire events with time <= untilS, then set the clock to untilS. */
  untilS?: number;
  /** Checked after every event; the run stops once it returns true. */
  stopWhen?: () => boolean;
  /** Stop after this many events. */
  maxEvents?: number;
}

/** Why a run stopped. */
export type StopReason = 'empty' | 'time' | 'condition' | 'max-events';

/**
 * The discrete-event clock and scheduler. Models schedule callbacks (the fast
 * path) or start generator processes (the readable one); the clock only moves
 * forward, to the time of the event being fired.
 */
export class Simulation {
  private readonly queue = new EventQueue();
  private clockS = 0;
  private fired = 0;

  /** Current simulated time in seconds. */
  get now(): number {
    return this.clockS;
  }

  /** Events fired so far. */
  get eventsFired(): number {
    return this.fired;
  }

  /** Events still pending (cancelled ones excluded). */
  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `callback(arg)` after `delayS` seconds (>= 0). */
  schedule(
    delayS: number,
    callback: EventCallback,
    priority: number = Priority.normal,
    arg = 0,
  ): EventId {
    if (!(delayS >= 0) || delayS === Number.POSITIVE_INFINITY) {
      throw new RangeError(`delayS(=${delayS}) must be a finite number >= 0`);
    }
    return this.queue.push(this.clockS + delayS, priority, callback, arg);
  }

  /** Schedules `callback(arg)` at absolute time `timeS` (>= now). */
  scheduleAt(
    timeS: number,
    callback: EventCallback,
    priority: number = Priority.normal,
    arg = 0,
  ): EventId {
    if (!(timeS >= this.clockS) || timeS === Number.POSITIVE_INFINITY) {
      throw new RangeError(`timeS(=${timeS}) must be finite and >= now (${this.clockS})`);
    }
    return this.queue.push(timeS, priority, callback, arg);
  }

  /** Cancels a pending event; returns false if it already fired or was cancelled. */
  cancel(id: EventId): boolean {
    return this.queue.cancel(id);
  }

  /** Starts a generator process now; see {@link ProcessBody}. */
  process(body: ProcessBody): void {
    startProcess(this, body);
  }

  /** Fires the next event. Returns false when none is pending. */
  step(): boolean {
    const callback = this.queue.pop();
    if (callback === undefined) return false;
    this.clockS = this.queue.lastTimeS;
    this.fired++;
    if (INJECTED_SLOWDOWN > 0) slowedCall(callback, this.queue.lastArg);
    else callback(this.queue.lastArg);
    return true;
  }

  /** Fires events until a limit is reached or none is pending. */
  run(limits: RunLimits = {}): StopReason {
    const untilS = limits.untilS ?? Number.POSITIVE_INFINITY;
    const maxEvents = limits.maxEvents ?? Number.POSITIVE_INFINITY;
    const stopWhen = limits.stopWhen;
    if (untilS < this.clockS)
      throw new RangeError(`untilS(=${untilS}) is before now (${this.clockS})`);
    const queue = this.queue;
    let count = 0;
    for (;;) {
      if (count >= maxEvents) return 'max-events';
      const callback = queue.popUntil(untilS);
      if (callback === undefined) return this.finish(untilS, queue.size === 0 ? 'empty' : 'time');
      this.clockS = queue.lastTimeS;
      this.fired++;
      count++;
      if (INJECTED_SLOWDOWN > 0) slowedCall(callback, queue.lastArg);
      else callback(queue.lastArg);
      if (stopWhen?.()) return 'condition';
    }
  }

  private finish(untilS: number, reason: StopReason): StopReason {
    if (untilS !== Number.POSITIVE_INFINITY) this.clockS = untilS;
    return reason;
  }
}
