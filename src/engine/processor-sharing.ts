import type { EventId } from './event-queue.js';
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
    readonly size: number,
    /** Virtual time at which the flow completes. */
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
 */
export class ProcessorSharing {
  private virtual = 0;
  private lastUpdateS: number;
  private activeCount = 0;
  private heap: FlowState[] = [];
  /** Scratch list of the flows finishing in one completion (kept, so it is not reallocated each time). */
  private readonly finished: (FlowState | undefined)[] = [];
  private startedCount = 0;
  private nextCompletion: EventId | undefined;
  /** When the pending completion event fires. */
  private nextCompletionS = Number.POSITIVE_INFINITY;
  /** The pending completion event fires before the earliest flow is really due. */
  private stale = false;
  private workDone = 0;

  private capacityPerS: number;

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

  /** Flows in progress now. */
  get activeFlows(): number {
    return this.activeCount;
  }

  /** Total work completed or partly done so far, up to now. */
  get totalWork(): number {
    this.advance();
    return this.workDone;
  }

  /**
   * Starts a flow of `size` (> 0) units; `onDone(arg)` is called when it
   * completes (like an event's argument, `arg` lets one function serve many flows).
   */
  start(size: number, onDone: (arg: number) => void, arg = 0): Flow {
    if (!(size > 0) || !Number.isFinite(size)) {
      throw new RangeError(`size(=${size}) must be a finite number > 0`);
    }
    this.advance();
    const flow = new FlowState(this, size, this.virtual + size, this.startedCount++, onDone, arg);
    this.push(flow);
    this.activeCount++;
    this.reschedule();
    return flow;
  }

  /** @internal Work left of an active flow. */
  remainingOf(flow: FlowState): number {
    this.advance();
    return flow.finishTag - this.virtual;
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
    this.activeCount--;
    this.dropInactiveTop();
    this.reschedule();
    return done;
  }

  /** Brings virtual time up to now. */
  private advance(): void {
    const now = this.sim.now;
    if (this.activeCount > 0) {
      const elapsedS = now - this.lastUpdateS;
      this.virtual += (elapsedS * this.capacityPerS) / this.activeCount;
      this.workDone += elapsedS * this.capacityPerS;
    }
    this.lastUpdateS = now;
  }

  /**
   * Keeps one completion event pending for the earliest finishing flow. An
   * arrival only delays that completion, so instead of cancelling and
   * rescheduling on every arrival, an earlier pending event is kept and marked
   * stale: when it fires it just reschedules.
   */
  private reschedule(): void {
    const first = this.heap[0];
    if (first === undefined || this.capacityPerS === 0) {
      if (this.nextCompletion !== undefined) this.sim.cancel(this.nextCompletion);
      this.nextCompletion = undefined;
      if (first === undefined) this.virtual = 0; // idle: restart virtual time to keep tags small and precise
      return;
    }
    const delayS = ((first.finishTag - this.virtual) * this.activeCount) / this.capacityPerS;
    const dueS = this.sim.now + Math.max(0, delayS);
    if (this.nextCompletion !== undefined) {
      if (this.nextCompletionS <= dueS) {
        this.stale = this.nextCompletionS !== dueS;
        return;
      }
      this.sim.cancel(this.nextCompletion);
    }
    this.nextCompletionS = dueS;
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
    const first = this.heap[0]!;
    // Snap to the tag: the flows due now finish exactly, whatever the rounding.
    this.virtual = Math.max(this.virtual, first.finishTag);
    // One scratch list for every completion (onDone cannot run complete again before it is emptied).
    const finished = this.finished;
    let count = 0;
    while (this.heap.length > 0 && this.heap[0]!.finishTag <= this.virtual) {
      const flow = this.pop();
      if (!flow.active) continue;
      flow.active = false;
      flow.finishing = true;
      this.activeCount--;
      finished[count++] = flow;
    }
    this.dropInactiveTop();
    this.reschedule();
    for (let i = 0; i < count; i++) {
      const flow = finished[i]!;
      finished[i] = undefined;
      if (!flow.finishing) continue; // aborted by an earlier flow's onDone
      flow.finishing = false;
      flow.onDone(flow.arg);
    }
  };

  private dropInactiveTop(): void {
    while (this.heap.length > 0 && !this.heap[0]!.active) this.pop();
  }

  private push(flow: FlowState): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(flow);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!finishesBefore(flow, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = flow;
  }

  private pop(): FlowState {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= heap.length) break;
      const right = child + 1;
      if (right < heap.length && finishesBefore(heap[right]!, heap[child]!)) child = right;
      if (!finishesBefore(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

function checkedCapacity(capacity: number): number {
  if (!(capacity > 0) || !Number.isFinite(capacity)) {
    throw new RangeError(`capacity(=${capacity}) must be a finite number > 0`);
  }
  return capacity;
}

function finishesBefore(a: FlowState, b: FlowState): boolean {
  return a.finishTag !== b.finishTag ? a.finishTag < b.finishTag : a.order < b.order;
}
