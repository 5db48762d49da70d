/**
 * The pending-event set: a binary min-heap over typed arrays, ordered by
 * (time, priority, sequence number). The sequence number is the insertion
 * counter, so events at the same time and priority leave in the order they
 * were scheduled, and a run repeats exactly.
 *
 * Each event lives in a slot: its keys sit in parallel typed arrays and the
 * heap holds slot indices. Freed slots are reused. Cancellation is lazy: a
 * cancelled event stays in the heap without a callback and is skipped when it
 * reaches the top.
 */

/** Handle of a scheduled event, for {@link EventQueue.cancel}. */
export type EventId = number & { readonly __brand: 'EventId' };

export type EventCallback = () => void;

/** Slots per generation; an id is `generation * SLOT_SPACE + slot`. */
const SLOT_SPACE = 2 ** 26;
/** Generations wrap here, keeping ids exact in a float64 (2^26 * 2^27 = 2^53). */
const GENERATION_SPACE = 2 ** 27;

export class EventQueue {
  private times: Float64Array;
  private priorities: Int32Array;
  private sequences: Float64Array;
  private generations: Uint32Array;
  private callbacks: (EventCallback | undefined)[] = [];
  private heap: Int32Array;
  private heapSize = 0;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotCount = 0;
  private nextSequence = 0;
  private live = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.priorities = new Int32Array(initialCapacity);
    this.sequences = new Float64Array(initialCapacity);
    this.generations = new Uint32Array(initialCapacity);
    this.heap = new Int32Array(initialCapacity);
    this.freeSlots = new Int32Array(initialCapacity);
  }

  /** Number of events that will still fire (cancelled ones excluded). */
  get size(): number {
    return this.live;
  }

  /** Adds an event; lower `priority` fires first among events at the same time. */
  push(timeS: number, priority: number, callback: EventCallback): EventId {
    const slot = this.allocateSlot();
    this.times[slot] = timeS;
    this.priorities[slot] = priority;
    this.sequences[slot] = this.nextSequence++;
    this.callbacks[slot] = callback;
    this.heap[this.heapSize] = slot;
    this.siftUp(this.heapSize++);
    this.live++;
    return (this.generations[slot]! * SLOT_SPACE + slot) as EventId;
  }

  /**
   * Cancels a pending event. Returns false when the event has already fired
   * or was cancelled before.
   */
  cancel(id: EventId): boolean {
    const slot = id % SLOT_SPACE;
    const generation = (id - slot) / SLOT_SPACE;
    if (slot >= this.slotCount || this.generations[slot] !== generation) return false;
    if (this.callbacks[slot] === undefined) return false;
    this.callbacks[slot] = undefined;
    this.bumpGeneration(slot);
    this.live--;
    return true;
  }

  /** Time of the next event that will fire, or Infinity when none is pending. */
  peekTime(): number {
    this.dropCancelledTop();
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.times[this.heap[0]!]!;
  }

  /**
   * Removes the next live event and returns its callback; its time is then
   * available from {@link lastTimeS}. Returns undefined when empty.
   */
  pop(): EventCallback | undefined {
    this.dropCancelledTop();
    if (this.heapSize === 0) return undefined;
    const slot = this.removeTop();
    const callback = this.callbacks[slot]!;
    this.lastTimeS = this.times[slot]!;
    this.callbacks[slot] = undefined;
    this.bumpGeneration(slot);
    this.freeSlots[this.freeCount++] = slot;
    this.live--;
    return callback;
  }

  /** Time of the event most recently returned by {@link pop}. */
  lastTimeS = 0;

  private dropCancelledTop(): void {
    while (this.heapSize > 0 && this.callbacks[this.heap[0]!] === undefined) {
      this.freeSlots[this.freeCount++] = this.removeTop();
    }
  }

  private removeTop(): number {
    const top = this.heap[0]!;
    const last = this.heap[--this.heapSize]!;
    if (this.heapSize > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private bumpGeneration(slot: number): void {
    this.generations[slot] = (this.generations[slot]! + 1) % GENERATION_SPACE;
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotCount === this.times.length) this.grow();
    return this.slotCount++;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    if (capacity > SLOT_SPACE) throw new RangeError(`event queue is full (${SLOT_SPACE} events)`);
    this.times = resized(this.times, new Float64Array(capacity));
    this.priorities = resized(this.priorities, new Int32Array(capacity));
    this.sequences = resized(this.sequences, new Float64Array(capacity));
    this.generations = resized(this.generations, new Uint32Array(capacity));
    this.heap = resized(this.heap, new Int32Array(capacity));
    this.freeSlots = resized(this.freeSlots, new Int32Array(capacity));
  }

  /** True when the event in slot a fires before the one in slot b. */
  private before(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    if (ta !== tb) return ta < tb;
    const pa = this.priorities[a]!;
    const pb = this.priorities[b]!;
    if (pa !== pb) return pa < pb;
    return this.sequences[a]! < this.sequences[b]!;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const slot = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentSlot = heap[parent]!;
      if (!this.before(slot, parentSlot)) break;
      heap[index] = parentSlot;
      index = parent;
    }
    heap[index] = slot;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const size = this.heapSize;
    const slot = heap[index]!;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.before(heap[right]!, heap[child]!)) child = right;
      if (!this.before(heap[child]!, slot)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = slot;
  }
}

function resized<T extends Float64Array | Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
