/**
 * The pending-event set: a 4-ary min-heap over typed arrays, ordered by
 * (time, priority, sequence number). The sequence number is the insertion
 * counter, so events at the same time and priority leave in the order they
 * were scheduled, and a run repeats exactly.
 *
 * The heap keeps each entry's keys in heap order (time, and priority and
 * sequence folded into one exact float64), so sifting reads contiguous
 * memory. An entry points at a slot holding the callback; freed slots are
 * reused. Cancellation is lazy: a cancelled event stays in the heap without a
 * callback and is skipped when it reaches the top.
 */

/** Handle of a scheduled event, for {@link EventQueue.cancel}. */
export type EventId = number & { readonly __brand: 'EventId' };

/**
 * What an event does. It receives the number it was scheduled with, so one
 * function can serve many entities (a device index, say) without a closure
 * per entity: at a million devices that keeps calls monomorphic and memory low.
 */
export type EventCallback = (arg: number) => void;

/** Slots per generation; an id is `generation * SLOT_SPACE + slot`. */
const SLOT_SPACE = 2 ** 26;
/** Generations wrap here, keeping ids exact in a float64 (2^26 * 2^27 = 2^53). */
const GENERATION_SPACE = 2 ** 27;
/** Sequence numbers stay below this; priority p adds p * SEQUENCE_SPACE. */
const SEQUENCE_SPACE = 2 ** 44;
/** Priorities are integers in [0, MAX_PRIORITY]. */
export const MAX_PRIORITY = 255;

export class EventQueue {
  private heapTimes: Float64Array;
  private heapOrders: Float64Array;
  private heapSlots: Int32Array;
  private heapSize = 0;
  private callbacks: (EventCallback | undefined)[] = [];
  private generations: Uint32Array;
  private args: Float64Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotCount = 0;
  private nextSequence = 0;
  private live = 0;

  /** Time of the event most recently returned by {@link pop}. */
  lastTimeS = 0;
  /** Argument of the event most recently returned by {@link pop}. */
  lastArg = 0;

  constructor(initialCapacity = 1024) {
    this.heapTimes = new Float64Array(initialCapacity);
    this.heapOrders = new Float64Array(initialCapacity);
    this.heapSlots = new Int32Array(initialCapacity);
    this.generations = new Uint32Array(initialCapacity);
    this.args = new Float64Array(initialCapacity);
    this.freeSlots = new Int32Array(initialCapacity);
  }

  /** Number of events that will still fire (cancelled ones excluded). */
  get size(): number {
    return this.live;
  }

  /**
   * Adds an event. Lower `priority` (an integer in [0, 255]) fires first among
   * events at the same time.
   */
  push(timeS: number, priority: number, callback: EventCallback, arg = 0): EventId {
    if (!(priority >= 0 && priority <= MAX_PRIORITY) || !Number.isInteger(priority)) {
      throw new RangeError(`priority(=${priority}) must be an integer in [0, ${MAX_PRIORITY}]`);
    }
    const slot = this.allocateSlot();
    this.callbacks[slot] = callback;
    this.args[slot] = arg;
    const sequence = this.nextSequence++ % SEQUENCE_SPACE;
    this.siftUp(this.heapSize++, timeS, priority * SEQUENCE_SPACE + sequence, slot);
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
    this.release(slot);
    this.live--;
    // Lazy deletion leaves cancelled entries in the heap; when they outnumber
    // the live ones, rebuild without them so the heap stays shallow.
    if (this.heapSize - this.live > Math.max(1024, this.live)) this.compact();
    return true;
  }

  /** Drops every cancelled entry from the heap and restores heap order, in O(n). */
  private compact(): void {
    let kept = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = this.heapSlots[i]!;
      if (this.callbacks[slot] === undefined) {
        this.freeSlots[this.freeCount++] = slot;
        continue;
      }
      this.heapTimes[kept] = this.heapTimes[i]!;
      this.heapOrders[kept] = this.heapOrders[i]!;
      this.heapSlots[kept] = slot;
      kept++;
    }
    this.heapSize = kept;
    for (let i = (kept - 2) >> 2; i >= 0; i--) {
      this.siftDownFrom(i, this.heapTimes[i]!, this.heapOrders[i]!, this.heapSlots[i]!);
    }
  }

  /** Time of the next event that will fire, or Infinity when none is pending. */
  peekTime(): number {
    this.dropCancelledTop();
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heapTimes[0]!;
  }

  /**
   * Removes the next live event and returns its callback; its time is then
   * in {@link lastTimeS}. Returns undefined when empty.
   */
  pop(): EventCallback | undefined {
    return this.popUntil(Number.POSITIVE_INFINITY);
  }

  /**
   * {@link pop} if the next live event is due at or before `untilS`; else
   * undefined (and nothing is removed). One call per event for the run loop.
   */
  popUntil(untilS: number): EventCallback | undefined {
    this.dropCancelledTop();
    if (this.heapSize === 0 || this.heapTimes[0]! > untilS) return undefined;
    const slot = this.heapSlots[0]!;
    const callback = this.callbacks[slot]!;
    this.lastTimeS = this.heapTimes[0]!;
    this.lastArg = this.args[slot]!;
    this.removeTop();
    this.release(slot);
    this.freeSlots[this.freeCount++] = slot;
    this.live--;
    return callback;
  }

  private dropCancelledTop(): void {
    while (this.heapSize > 0 && this.callbacks[this.heapSlots[0]!] === undefined) {
      this.freeSlots[this.freeCount++] = this.heapSlots[0]!;
      this.removeTop();
    }
  }

  /** Clears a slot's callback and invalidates ids that point at it. */
  private release(slot: number): void {
    this.callbacks[slot] = undefined;
    this.generations[slot] = (this.generations[slot]! + 1) % GENERATION_SPACE;
  }

  private removeTop(): void {
    const last = --this.heapSize;
    if (last > 0) {
      this.siftDown(this.heapTimes[last]!, this.heapOrders[last]!, this.heapSlots[last]!);
    }
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotCount === this.heapTimes.length) this.grow();
    return this.slotCount++;
  }

  private grow(): void {
    const capacity = this.heapTimes.length * 2;
    if (capacity > SLOT_SPACE) throw new RangeError(`event queue is full (${SLOT_SPACE} events)`);
    this.heapTimes = resized(this.heapTimes, new Float64Array(capacity));
    this.heapOrders = resized(this.heapOrders, new Float64Array(capacity));
    this.heapSlots = resized(this.heapSlots, new Int32Array(capacity));
    this.generations = resized(this.generations, new Uint32Array(capacity));
    this.args = resized(this.args, new Float64Array(capacity));
    this.freeSlots = resized(this.freeSlots, new Int32Array(capacity));
  }

  /** Moves the entry (time, order, slot) up from `index` to its place. */
  private siftUp(index: number, time: number, order: number, slot: number): void {
    const times = this.heapTimes;
    const orders = this.heapOrders;
    const slots = this.heapSlots;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      const parentTime = times[parent]!;
      if (parentTime < time || (parentTime === time && orders[parent]! < order)) break;
      times[index] = parentTime;
      orders[index] = orders[parent]!;
      slots[index] = slots[parent]!;
      index = parent;
    }
    times[index] = time;
    orders[index] = order;
    slots[index] = slot;
  }

  /** Places the entry (time, order, slot) at the root and moves it down. */
  private siftDown(time: number, order: number, slot: number): void {
    this.siftDownFrom(0, time, order, slot);
  }

  /** Places the entry (time, order, slot) at `index` and moves it down. */
  private siftDownFrom(index: number, time: number, order: number, slot: number): void {
    const times = this.heapTimes;
    const orders = this.heapOrders;
    const slots = this.heapSlots;
    const size = this.heapSize;
    for (;;) {
      const first = 4 * index + 1;
      if (first >= size) break;
      let best = first;
      let bestTime = times[first]!;
      let bestOrder = orders[first]!;
      const end = Math.min(first + 4, size);
      for (let child = first + 1; child < end; child++) {
        const t = times[child]!;
        if (t < bestTime || (t === bestTime && orders[child]! < bestOrder)) {
          best = child;
          bestTime = t;
          bestOrder = orders[child]!;
        }
      }
      if (time < bestTime || (time === bestTime && order < bestOrder)) break;
      times[index] = bestTime;
      orders[index] = bestOrder;
      slots[index] = slots[best]!;
      index = best;
    }
    times[index] = time;
    orders[index] = order;
    slots[index] = slot;
  }
}

function resized<T extends Float64Array | Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
