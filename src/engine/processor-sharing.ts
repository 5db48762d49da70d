import type { EventId } from './event-queue.js';
import { FlowClass } from './flow-class.js';
import type { Simulation } from './simulation.js';

/** A flow in a {@link ProcessorSharing} resource. */
export interface Flow {
  /** Work this flow asked for (for a link, bytes). */
  readonly size: number;
  /** Work still to do at the current time. */
  remaining(): number;
  /** Stops the flow now without calling its `onDone`; returns the work done so far. */
  abort(): number;
}

/** A flow's bookkeeping; a class so that flows share their methods. */
class FlowState implements Flow {
  active = true;
  /** Finished, with `onDone` not yet called (flows finishing together are told one by one). */
  finishing = false;

  constructor(
    private readonly owner: ProcessorSharing,
    /** The class the flow is in (its virtual clock and heap). */
    readonly flowClass: FlowClass<FlowState>,
    readonly size: number,
    /** Virtual time of its class at which the flow completes. */
    readonly finishTag: number,
    /** Start order, to break ties between equal finish tags. */
    readonly order: number,
    readonly onDone: (arg: number) => void,
    readonly arg: number,
  ) {}

  remaining(): number {
    return this.active ? this.owner.remainingOf(this) : 0;
  }

  abort(): number {
    return this.owner.abort(this);
  }
}

/**
 * A resource of capacity C (work per second) shared equally by the n flows in
 * it: each progresses at C/n. This is how flows behind one access point share
 * its air time, or uploads share a server's ingress.
 *
 * Simulated with virtual time V, which advances at C/n: a flow of size S that
 * starts when V = v finishes when V reaches v + S, its finish tag. Flows wait
 * in a min-heap of finish tags, and only the earliest completion is scheduled,
 * so an arrival or departure costs O(log n) and nothing ticks. Completion
 * times are exact up to floating-point rounding.
 *
 * **A capped class** (optional, {@link setClassCap}): flows started with
 * `capped` may together take at most K of the capacity (update traffic in a
 * cell that also carries requests). With n ordinary and m capped flows,
 * water-filling: if m C / (n + m) <= K every flow gets C / (n + m) (plain
 * processor sharing); otherwise each capped flow gets K / m and each ordinary
 * one (C - K) / n, or, with n = 0, min(C, K) / m. Rates change only when a
 * flow starts, ends or aborts, or C or K changes, so each class keeps its own
 * virtual clock (advancing at its per-flow rate) and heap, and the earlier of
 * the two classes' first completions is the one scheduled. Without capped
 * flows every formula reduces to the single-class one, operation for
 * operation, so results are unchanged.
 */
export class ProcessorSharing {
  private readonly ordinary = new FlowClass<FlowState>();
  private readonly capped = new FlowClass<FlowState>();
  private lastUpdateS: number;
  /** Scratch list of the flows finishing in one completion (kept, so it is not reallocated each time). */
  private readonly finished: (FlowState | undefined)[] = [];
  private startedCount = 0;
  private nextCompletion: EventId | undefined;
  /** When the pending completion event fires. */
  private nextCompletionS = Number.POSITIVE_INFINITY;
  /** The class whose first flow the pending completion event is for. */
  private dueClass: FlowClass<FlowState> = this.ordinary;
  /** The pending completion event fires before the earliest flow is really due. */
  private stale = false;
  private workDone = 0;

  private capacityPerS: number;
  private classCapPerS = Number.POSITIVE_INFINITY;

  constructor(
    private readonly sim: Simulation,
    capacity: number,
  ) {
    this.capacityPerS = checkedCapacity(capacity);
    this.lastUpdateS = sim.now;
  }

  /** Work per second shared by the active flows. */
  get capacity(): number {
    return this.capacityPerS;
  }

  /** Work per second the capped class may take at most (Infinity: no cap). */
  get classCap(): number {
    return this.classCapPerS;
  }

  /**
   * Changes the capacity from now on (a bandwidth trace stepping): work done
   * so far is settled at the old rate, and the next completion is recomputed.
   * A capacity of 0 (an outage in a trace) holds every flow until it rises.
   */
  setCapacity(capacity: number): void {
    if (!(capacity >= 0) || !Number.isFinite(capacity)) {
      throw new RangeError(`capacity(=${capacity}) must be a finite number >= 0`);
    }
    this.advance();
    this.capacityPerS = capacity;
    this.reschedule();
  }

  /**
   * Caps the aggregate rate of the capped class at `cap` work per second from
   * now on (Infinity removes the cap; 0 holds capped flows). Work done so far
   * is settled at the old rates.
   */
  setClassCap(cap: number): void {
    if (!(cap >= 0) || Number.isNaN(cap)) {
      throw new RangeError(`cap(=${cap}) must be a number >= 0 (Infinity: no cap)`);
    }
    this.advance();
    this.classCapPerS = cap;
    this.reschedule();
  }

  /** Flows in progress now (both classes). */
  get activeFlows(): number {
    return this.ordinary.count + this.capped.count;
  }

  /** Flows of the capped class in progress now. */
  get cappedFlows(): number {
    return this.capped.count;
  }

  /** Total work completed or partly done so far, up to now. */
  get totalWork(): number {
    this.advance();
    return this.workDone;
  }

  /**
   * Starts a flow of `size` (> 0) units; `onDone(arg)` is called when it
   * completes (like an event's argument, `arg` lets one function serve many
   * flows). A `capped` flow joins the capped class (see {@link setClassCap}).
   */
  start(size: number, onDone: (arg: number) => void, arg = 0, capped = false): Flow {
    if (!(size > 0) || !Number.isFinite(size)) {
      throw new RangeError(`size(=${size}) must be a finite number > 0`);
    }
    this.advance();
    const flowClass = capped ? this.capped : this.ordinary;
    const tag = flowClass.virtual + size;
    const flow = new FlowState(this, flowClass, size, tag, this.startedCount++, onDone, arg);
    flowClass.push(flow);
    flowClass.count++;
    this.reschedule();
    return flow;
  }

  /** @internal Work left of an active flow. */
  remainingOf(flow: FlowState): number {
    this.advance();
    return flow.finishTag - flow.flowClass.virtual;
  }

  /** @internal Stops a flow; returns the work it did. */
  abort(flow: FlowState): number {
    if (flow.finishing) {
      // It finished at this instant; an earlier flow's onDone stops it before it is told.
      flow.finishing = false;
      return flow.size;
    }
    if (!flow.active) return 0;
    const done = flow.size - this.remainingOf(flow);
    flow.active = false;
    flow.flowClass.count--;
    flow.flowClass.dropInactiveTop();
    this.reschedule();
    return done;
  }

  /** True when the capped class is held to its cap (water-filling's second case). */
  private capBinds(): boolean {
    const m = this.capped.count;
    return m > 0 && (m * this.capacityPerS) / (this.ordinary.count + m) > this.classCapPerS;
  }

  /** Brings both virtual clocks up to now. */
  private advance(): void {
    const now = this.sim.now;
    const n = this.ordinary.count;
    const m = this.capped.count;
    if (n + m > 0) {
      const elapsedS = now - this.lastUpdateS;
      const capacity = this.capacityPerS;
      if (!this.capBinds()) {
        const share = n + m;
        if (n > 0) this.ordinary.virtual += (elapsedS * capacity) / share;
        if (m > 0) this.capped.virtual += (elapsedS * capacity) / share;
        this.workDone += elapsedS * capacity;
      } else {
        const cappedRate = Math.min(capacity, this.classCapPerS);
        this.capped.virtual += (elapsedS * cappedRate) / m;
        if (n > 0) this.ordinary.virtual += (elapsedS * (capacity - cappedRate)) / n;
        this.workDone += elapsedS * (n > 0 ? capacity : cappedRate);
      }
    }
    this.lastUpdateS = now;
  }

  /** Seconds from now until the first flow of `flowClass` completes (Infinity: never, at these rates). */
  private delayOf(flowClass: FlowClass<FlowState>): number {
    const first = flowClass.first;
    if (first === undefined) return Number.POSITIVE_INFINITY;
    const capacity = this.capacityPerS;
    let pool = capacity;
    let divisor = this.ordinary.count + this.capped.count;
    if (this.capBinds()) {
      const cappedRate = Math.min(capacity, this.classCapPerS);
      pool = flowClass === this.capped ? cappedRate : capacity - cappedRate;
      divisor = flowClass.count;
    }
    if (pool === 0) return Number.POSITIVE_INFINITY;
    return ((first.finishTag - flowClass.virtual) * divisor) / pool;
  }

  /**
   * Keeps one completion event pending for the earliest finishing flow. An
   * arrival only delays completions, so instead of cancelling and
   * rescheduling on every arrival, an earlier pending event is kept and marked
   * stale: when it fires it just reschedules.
   */
  private reschedule(): void {
    // Idle classes restart virtual time, to keep tags small and precise.
    if (this.ordinary.first === undefined) this.ordinary.virtual = 0;
    if (this.capped.first === undefined) this.capped.virtual = 0;
    let flowClass = this.ordinary;
    let delayS = this.delayOf(this.ordinary);
    if (this.capped.count > 0) {
      const cappedDelayS = this.delayOf(this.capped);
      if (cappedDelayS < delayS) {
        flowClass = this.capped;
        delayS = cappedDelayS;
      }
    }
    if (delayS === Number.POSITIVE_INFINITY) {
      if (this.nextCompletion !== undefined) this.sim.cancel(this.nextCompletion);
      this.nextCompletion = undefined;
      return;
    }
    const dueS = this.sim.now + Math.max(0, delayS);
    if (this.nextCompletion !== undefined) {
      if (this.nextCompletionS <= dueS) {
        this.stale = this.nextCompletionS !== dueS;
        if (!this.stale) this.dueClass = flowClass;
        return;
      }
      this.sim.cancel(this.nextCompletion);
    }
    this.nextCompletionS = dueS;
    this.dueClass = flowClass;
    this.stale = false;
    this.nextCompletion = this.sim.scheduleAt(dueS, this.complete);
  }

  /** The pending completion event (one function, not a closure per event). */
  private readonly complete = (): void => {
    this.nextCompletion = undefined;
    this.advance();
    if (this.stale) {
      this.reschedule();
      return;
    }
    const due = this.dueClass;
    // Snap to the tag: the flows due now finish exactly, whatever the rounding.
    due.virtual = Math.max(due.virtual, due.first!.finishTag);
    // One scratch list for every completion (onDone cannot run complete again before it is emptied).
    let count = this.collectFinished(due, 0);
    count = this.collectFinished(due === this.ordinary ? this.capped : this.ordinary, count);
    this.reschedule();
    const finished = this.finished;
    for (let i = 0; i < count; i++) {
      const flow = finished[i]!;
      finished[i] = undefined;
      if (!flow.finishing) continue; // aborted by an earlier flow's onDone
      flow.finishing = false;
      flow.onDone(flow.arg);
    }
  };

  /** Moves the flows of `flowClass` whose tags its clock has reached into the scratch list after `count`. */
  private collectFinished(flowClass: FlowClass<FlowState>, count: number): number {
    const heap = flowClass.heap;
    while (heap.length > 0 && heap[0]!.finishTag <= flowClass.virtual) {
      const flow = flowClass.pop();
      if (!flow.active) continue;
      flow.active = false;
      flow.finishing = true;
      flowClass.count--;
      this.finished[count++] = flow;
    }
    flowClass.dropInactiveTop();
    return count;
  }
}

function checkedCapacity(capacity: number): number {
  if (!(capacity > 0) || !Number.isFinite(capacity)) {
    throw new RangeError(`capacity(=${capacity}) must be a finite number > 0`);
  }
  return capacity;
}
