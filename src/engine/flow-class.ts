/**
 * One class of flows in a {@link ProcessorSharing} resource: its virtual
 * clock and its min-heap of finish tags. Every flow of a class progresses at
 * the class's per-flow rate, so one virtual clock (advancing at that rate)
 * orders all its completions: a flow of size S that starts when the clock
 * reads v finishes when it reads v + S, its finish tag.
 */

/** What the heap needs of a flow. */
export interface TaggedFlow {
  /** False once the flow has finished or been aborted (it is then dropped lazily). */
  readonly active: boolean;
  /** Virtual time of this class at which the flow completes. */
  readonly finishTag: number;
  /** Start order, to break ties between equal finish tags. */
  readonly order: number;
}

export class FlowClass<F extends TaggedFlow> {
  /** Virtual time: work done per flow of this class since the class was last idle. */
  virtual = 0;
  /** Flows of this class in progress. */
  count = 0;
  /** Finish tags, earliest first at index 0 (aborted flows may stay until they reach the top). */
  readonly heap: F[] = [];

  /** The active flow that finishes first, if any (call {@link dropInactiveTop} first). */
  get first(): F | undefined {
    return this.heap[0];
  }

  dropInactiveTop(): void {
    while (this.heap.length > 0 && !this.heap[0]!.active) this.pop();
  }

  push(flow: F): void {
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

  pop(): F {
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

function finishesBefore(a: TaggedFlow, b: TaggedFlow): boolean {
  return a.finishTag !== b.finishTag ? a.finishTag < b.finishTag : a.order < b.order;
}
