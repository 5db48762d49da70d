/**
 * A one-shot occurrence that callbacks and processes can wait for: a resource
 * grant, a transfer's completion, a device going offline. Firing it calls the
 * waiters at once, in the order they subscribed.
 */
export class Signal<T = void> {
  private waiters: ((value: T) => void)[] = [];
  private result: { value: T } | undefined;

  /** True once {@link fire} has been called. */
  get fired(): boolean {
    return this.result !== undefined;
  }

  /** The value it fired with; throws if it has not fired. */
  get value(): T {
    if (this.result === undefined) throw new Error('signal has not fired');
    return this.result.value;
  }

  /** Calls `waiter` when the signal fires, or now if it already has. */
  onFire(waiter: (value: T) => void): void {
    if (this.result !== undefined) waiter(this.result.value);
    else this.waiters.push(waiter);
  }

  /** Fires the signal; a signal fires at most once. */
  fire(value: T): void {
    if (this.result !== undefined) throw new Error('signal already fired');
    this.result = { value };
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(value);
  }
}
