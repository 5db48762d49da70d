/** How a request ended. Everything but `completed` is a failure, with this as its reason. */
export const OUTCOMES = [
  'completed',
  'deadline-missed',
  'queue-full',
  'device-queue-full',
  'device-offline',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The fields of a finished request the log keeps. */
export interface RequestTimes {
  readonly device: number;
  readonly arrivalS: number;
  readonly target: number;
  readonly uploadS: number;
  readonly queueS: number;
  readonly serviceS: number;
  readonly downloadS: number;
  readonly batch: number;
}

/**
 * Upper bounds of the latency histogram's buckets, s: the 1-2-5 series from
 * 10 us to 10,000 s, exact decimals so the CSV shows them exactly. A last
 * bucket catches anything slower.
 */
export const LATENCY_BUCKETS_S: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let exponent = -5; exponent <= 4; exponent++) {
    for (const mantissa of [1, 2, 5]) bounds.push(Number(`${mantissa}e${exponent}`));
  }
  return bounds;
})();

/** Requests kept row by row when outputs.requests is `auto`. */
export const AUTO_REQUEST_ROWS = 200_000;

/** Per group: counts by outcome, latencies of completed requests, histogram by placement target. */
export class GroupLog {
  readonly outcomes = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
  private latencies = new Float64Array(1024);
  latencyCount = 0;
  /** Histogram counts by target (device = index 0, server s = s + 1), then bucket. */
  readonly histogram: Float64Array[];

  constructor(targets: number) {
    this.histogram = Array.from(
      { length: targets + 1 },
      () => new Float64Array(LATENCY_BUCKETS_S.length + 1),
    );
  }

  private sorted: Float64Array | undefined;

  add(latencyS: number, target: number): void {
    this.reserve(this.latencyCount + 1);
    this.latencies[this.latencyCount++] = latencyS;
    this.histogram[target + 1]![bucketOf(latencyS)]!++;
    this.sorted = undefined;
  }

  /** Adds everything `other` holds: outcomes, latencies and histograms. */
  absorb(other: GroupLog): void {
    for (const [outcome, count] of other.outcomes)
      this.outcomes.set(outcome, this.outcomes.get(outcome)! + count);
    this.reserve(this.latencyCount + other.latencyCount);
    this.latencies.set(other.latencies.subarray(0, other.latencyCount), this.latencyCount);
    this.latencyCount += other.latencyCount;
    other.histogram.forEach((counts, t) => {
      const mine = this.histogram[t]!;
      for (let b = 0; b < counts.length; b++) mine[b]! += counts[b]!;
    });
    this.sorted = undefined;
  }

  /** Latencies of completed requests, sorted ascending (sorted once, then shared: do not modify). */
  sortedLatencies(): Float64Array {
    this.sorted ??= this.latencies.slice(0, this.latencyCount).sort();
    return this.sorted;
  }

  private reserve(count: number): void {
    if (count <= this.latencies.length) return;
    const grown = new Float64Array(Math.max(count, this.latencies.length * 2));
    grown.set(this.latencies.subarray(0, this.latencyCount));
    this.latencies = grown;
  }
}

/**
 * What the inference run records about finished requests: enough for exact
 * percentiles and counts per group, per device and per server, plus one row
 * per request when asked for (or, by default, while there are few enough).
 */
export class RequestLog {
  readonly groups: GroupLog[];
  readonly deviceRequests: Uint32Array;
  readonly deviceCompleted: Uint32Array;
  readonly deviceLocal: Uint32Array;
  readonly serverBytesIn: Float64Array;
  readonly serverBytesOut: Float64Array;
  /** Bytes each group's devices moved over their cells for requests (both ways, aborted transfers' part included). */
  readonly groupCellBytes: Float64Array;
  private rows:
    | { group: number; times: RequestTimes; endS: number; outcome: Outcome }[]
    | undefined = [];

  constructor(
    /** Group index of each device. */
    private readonly groupOf: Uint16Array,
    groups: number,
    readonly serverCount: number,
    private readonly rowMode: 'auto' | 'always' | 'never' = 'auto',
  ) {
    const devices = groupOf.length;
    this.groups = Array.from({ length: groups }, () => new GroupLog(serverCount));
    this.groupCellBytes = new Float64Array(groups);
    this.deviceRequests = new Uint32Array(devices);
    this.deviceCompleted = new Uint32Array(devices);
    this.deviceLocal = new Uint32Array(devices);
    this.serverBytesIn = new Float64Array(serverCount);
    this.serverBytesOut = new Float64Array(serverCount);
    if (rowMode === 'never') this.rows = undefined;
  }

  /** Records a request that ended at `endS` with `outcome`. */
  record(request: RequestTimes, group: number, endS: number, outcome: Outcome): void {
    const groupLog = this.groups[group]!;
    groupLog.outcomes.set(outcome, groupLog.outcomes.get(outcome)! + 1);
    this.deviceRequests[request.device]!++;
    if (outcome === 'completed') {
      this.deviceCompleted[request.device]!++;
      if (request.target < 0) this.deviceLocal[request.device]!++;
      groupLog.add(endS - request.arrivalS, request.target);
    }
    if (this.rows === undefined) return;
    this.rows.push({ group, times: request, endS, outcome });
    if (this.rowMode === 'auto' && this.rows.length > AUTO_REQUEST_ROWS) this.rows = undefined;
  }

  /** Bytes that reached a server (an upload) or left it (a download that arrived). */
  moved(server: number, direction: 'in' | 'out', bytes: number): void {
    if (direction === 'in') this.serverBytesIn[server]! += bytes;
    else this.serverBytesOut[server]! += bytes;
  }

  /** Bytes device `d` moved over its cell for a request. */
  overCell(d: number, bytes: number): void {
    this.groupCellBytes[this.groupOf[d]!]! += bytes;
  }

  /** The kept rows ordered by arrival (then device), or undefined when not kept. */
  requestRows():
    | { group: number; times: RequestTimes; endS: number; outcome: Outcome }[]
    | undefined {
    return this.rows
      ?.slice()
      .sort((a, b) => a.times.arrivalS - b.times.arrivalS || a.times.device - b.times.device);
  }
}

/** Index of the histogram bucket holding `latencyS`. */
export function bucketOf(latencyS: number): number {
  let low = 0;
  let high = LATENCY_BUCKETS_S.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (latencyS <= LATENCY_BUCKETS_S[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}
