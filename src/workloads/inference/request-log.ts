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
  /** Half the round trip to its server (0 on the device), s. */
  readonly oneWayS: number;
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

/** Where a request's latency goes: the parts that add up to it. */
export const LATENCY_COMPONENTS = ['upload', 'queue', 'service', 'download', 'rtt'] as const;
export type LatencyComponent = (typeof LATENCY_COMPONENTS)[number];

/** Where a completed request ran: its device, or an edge or cloud server. */
export const TARGET_TIERS = ['device', 'edge', 'cloud'] as const;
export type TargetTier = (typeof TARGET_TIERS)[number];

/** Number of kept columns per completed request: the latency, then each component. */
const COLUMNS = 1 + LATENCY_COMPONENTS.length;

/**
 * Per group: counts by outcome, and per completed request its latency, the
 * components it adds up from (upload, queue, service, download, RTT, in
 * {@link LATENCY_COMPONENTS} order) and its tier, for exact means and
 * percentiles; a histogram by placement target.
 */
export class GroupLog {
  readonly outcomes = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
  /** Latency, then each component, of completed requests, s. */
  private columns: Float64Array[] = Array.from({ length: COLUMNS }, () => new Float64Array(1024));
  /** Index into TARGET_TIERS of each completed request. */
  private tiers = new Uint8Array(1024);
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

  /** Records a completed request: its latency (s), stage times, target and tier index. */
  add(latencyS: number, times: RequestTimes, tier: number): void {
    this.reserve(this.latencyCount + 1);
    const i = this.latencyCount++;
    const columns = this.columns;
    columns[0]![i] = latencyS;
    columns[1]![i] = times.uploadS;
    columns[2]![i] = times.queueS;
    columns[3]![i] = times.serviceS;
    columns[4]![i] = times.downloadS;
    columns[5]![i] = 2 * times.oneWayS;
    this.tiers[i] = tier;
    this.histogram[times.target + 1]![bucketOf(latencyS)]!++;
    this.sorted = undefined;
  }

  /** Adds everything `other` holds: outcomes, completed requests and histograms. */
  absorb(other: GroupLog): void {
    for (const [outcome, count] of other.outcomes)
      this.outcomes.set(outcome, this.outcomes.get(outcome)! + count);
    this.reserve(this.latencyCount + other.latencyCount);
    this.columns.forEach((column, c) => {
      column.set(other.columns[c]!.subarray(0, other.latencyCount), this.latencyCount);
    });
    this.tiers.set(other.tiers.subarray(0, other.latencyCount), this.latencyCount);
    this.latencyCount += other.latencyCount;
    other.histogram.forEach((counts, t) => {
      const mine = this.histogram[t]!;
      for (let b = 0; b < counts.length; b++) mine[b]! += counts[b]!;
    });
    this.sorted = undefined;
  }

  /** Latencies of completed requests, sorted ascending (sorted once, then shared: do not modify). */
  sortedLatencies(): Float64Array {
    this.sorted ??= this.latencies().slice().sort();
    return this.sorted;
  }

  /** Latencies of completed requests in the order they completed (a view: do not modify). */
  latencies(): Float64Array {
    return this.columns[0]!.subarray(0, this.latencyCount);
  }

  /** One component of every completed request, in the order of {@link latencies} (a view: do not modify). */
  component(c: LatencyComponent): Float64Array {
    return this.columns[1 + LATENCY_COMPONENTS.indexOf(c)]!.subarray(0, this.latencyCount);
  }

  /** Index into TARGET_TIERS of every completed request, in the same order (a view: do not modify). */
  tierIndices(): Uint8Array {
    return this.tiers.subarray(0, this.latencyCount);
  }

  private reserve(count: number): void {
    const capacity = this.tiers.length;
    if (count <= capacity) return;
    const size = Math.max(count, capacity * 2);
    this.columns = this.columns.map((column) => {
      const grown = new Float64Array(size);
      grown.set(column.subarray(0, this.latencyCount));
      return grown;
    });
    const tiers = new Uint8Array(size);
    tiers.set(this.tiers.subarray(0, this.latencyCount));
    this.tiers = tiers;
  }
}

/**
 * What the inference run records about finished requests: enough for exact
 * percentiles and counts per group, per device and per server, plus one row
 * per request when asked for (or, by default, while there are few enough).
 * Requests arriving during the warm-up are left out of all of it; the bytes
 * moved (for cost) are counted all run.
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

  readonly serverCount: number;
  private readonly groupOf: Uint16Array;
  /** Index into TARGET_TIERS of each server. */
  private readonly serverTier: Uint8Array;
  private readonly rowMode: 'auto' | 'always' | 'never';
  private readonly warmupS: number;

  constructor(options: {
    /** Group index of each device. */
    groupOf: Uint16Array;
    groups: number;
    /** Tier of each server. */
    serverTiers: readonly TargetTier[];
    /** Whether to keep one row per request (requests.csv); default auto. */
    rows?: 'auto' | 'always' | 'never';
    /** Requests arriving before this are not recorded, s; default 0. */
    warmupS?: number;
  }) {
    const { groupOf, groups, serverTiers } = options;
    const devices = groupOf.length;
    const serverCount = serverTiers.length;
    this.groupOf = groupOf;
    this.serverCount = serverCount;
    this.serverTier = Uint8Array.from(serverTiers.map((t) => TARGET_TIERS.indexOf(t)));
    this.rowMode = options.rows ?? 'auto';
    this.warmupS = options.warmupS ?? 0;
    this.groups = Array.from({ length: groups }, () => new GroupLog(serverCount));
    this.groupCellBytes = new Float64Array(groups);
    this.deviceRequests = new Uint32Array(devices);
    this.deviceCompleted = new Uint32Array(devices);
    this.deviceLocal = new Uint32Array(devices);
    this.serverBytesIn = new Float64Array(serverCount);
    this.serverBytesOut = new Float64Array(serverCount);
    if (this.rowMode === 'never') this.rows = undefined;
  }

  /** Records a request that ended at `endS` with `outcome`, unless it arrived during the warm-up. */
  record(request: RequestTimes, group: number, endS: number, outcome: Outcome): void {
    if (request.arrivalS < this.warmupS) return;
    const groupLog = this.groups[group]!;
    groupLog.outcomes.set(outcome, groupLog.outcomes.get(outcome)! + 1);
    this.deviceRequests[request.device]!++;
    if (outcome === 'completed') {
      this.deviceCompleted[request.device]!++;
      if (request.target < 0) this.deviceLocal[request.device]!++;
      const tier = request.target < 0 ? 0 : this.serverTier[request.target]!;
      groupLog.add(endS - request.arrivalS, request, tier);
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
