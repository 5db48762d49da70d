import type { SplitLog, SplitTimes } from './split/log.js';

/** How a request ended. Everything but `completed` is a failure, with this as its reason. */
export const OUTCOMES = [
  'completed',
  'deadline-missed',
  'queue-full',
  'device-queue-full',
  'device-offline',
] as const;
/**
 * With a model rollout (`workload.inference.rollout`) one more: the model
 * version that served the request failed on it (a bad build; see
 * rollout-run.ts). Tables show it only in runs with a rollout.
 */
export const MODEL_ERROR = 'model-error';
/** Every outcome a run with a rollout reports. */
export const ROLLOUT_OUTCOMES = [...OUTCOMES, MODEL_ERROR] as const;
export type Outcome = (typeof ROLLOUT_OUTCOMES)[number];

/** The fields of a finished request the log keeps (and, under split computing, its split). */
export interface RequestTimes extends SplitTimes {
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
  /** The model version that served it (0 = from, 1 = to) under a rollout; -1 otherwise. */
  readonly version: number;
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
  readonly outcomes = new Map<Outcome, number>(ROLLOUT_OUTCOMES.map((o) => [o, 0]));
  /** Completed requests so far. */
  latencyCount = 0;
  /** Histogram counts by target (device = index 0, server s = s + 1), then bucket. */
  readonly histogram: Float64Array[];
  /**
   * Completed requests in blocks, filled in turn and never copied while the
   * run adds to them (growing one array by doubling copied it all, again and
   * again); the tables read them block by block.
   */
  private filled: RequestBlock[] = [];
  /** The block being filled, and how many of its rows are. */
  private block: RequestBlock | undefined;
  private fill = 0;
  private sorted: Float64Array | undefined;

  constructor(targets: number) {
    this.histogram = Array.from(
      { length: targets + 1 },
      () => new Float64Array(LATENCY_BUCKETS_S.length + 1),
    );
  }

  /** Records a completed request: its latency (s), stage times, target and tier index. */
  add(latencyS: number, times: RequestTimes, tier: number): void {
    let block = this.block;
    if (block === undefined || this.fill === block.tiers.length) block = this.nextBlock();
    const i = this.fill++;
    const columns = block.columns;
    columns[0]![i] = latencyS;
    columns[1]![i] = times.uploadS;
    columns[2]![i] = times.queueS;
    columns[3]![i] = times.serviceS;
    columns[4]![i] = times.downloadS;
    columns[5]![i] = 2 * times.oneWayS;
    block.tiers[i] = tier;
    this.latencyCount++;
    this.histogram[times.target + 1]![bucketOf(latencyS)]!++;
    this.sorted = undefined;
  }

  /** Adds everything `other` holds: outcomes, completed requests (shared, not copied) and histograms. */
  absorb(other: GroupLog): void {
    for (const [outcome, count] of other.outcomes)
      this.outcomes.set(outcome, this.outcomes.get(outcome)! + count);
    this.closeBlock();
    this.filled.push(...other.blocks());
    this.latencyCount += other.latencyCount;
    other.histogram.forEach((counts, t) => {
      const mine = this.histogram[t]!;
      for (let b = 0; b < counts.length; b++) mine[b]! += counts[b]!;
    });
    this.sorted = undefined;
  }

  /** Latencies of completed requests, sorted ascending (sorted once, then shared: do not modify). */
  sortedLatencies(): Float64Array {
    if (this.sorted === undefined) {
      const sorted = new Float64Array(this.latencyCount);
      let at = 0;
      for (const block of this.blocks()) {
        sorted.set(block.columns[0]!, at);
        at += block.tiers.length;
      }
      this.sorted = sorted.sort();
    }
    return this.sorted;
  }

  /**
   * The completed requests, in blocks in the order they completed: each
   * block's `columns` are the latency then each of LATENCY_COMPONENTS (s),
   * its `tiers` the index into TARGET_TIERS (shared: do not modify).
   */
  blocks(): readonly RequestBlock[] {
    this.closeBlock();
    return this.filled;
  }

  /** Keeps the filled part of the block being filled. */
  private closeBlock(): void {
    const block = this.block;
    if (block === undefined) return;
    const n = this.fill;
    if (n === 0) return;
    this.filled.push({
      columns: block.columns.map((column) => column.subarray(0, n)),
      tiers: block.tiers.subarray(0, n),
    });
    this.block = undefined;
    this.fill = 0;
  }

  /** Starts a new block, twice the size of the last (1,024 to 65,536 rows). */
  private nextBlock(): RequestBlock {
    const last = this.block?.tiers.length ?? 512;
    this.closeBlock();
    this.block = emptyBlock(Math.min(last * 2, 65_536));
    return this.block;
  }
}

/** Rows of completed requests: latency, then each component (s), and tier index. */
export interface RequestBlock {
  readonly columns: readonly Float64Array[];
  readonly tiers: Uint8Array;
}

function emptyBlock(rows: number): RequestBlock {
  return {
    columns: Array.from({ length: COLUMNS }, () => new Float64Array(rows)),
    tiers: new Uint8Array(rows),
  };
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
  private readonly splits: SplitLog | undefined;
  private readonly versions: RecordListener | undefined;

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
    /** Split computing: where completed requests split, and what that cost. */
    splits?: SplitLog;
    /** A rollout: hears of every recorded request (after the warm-up). */
    versions?: RecordListener;
  }) {
    const { groupOf, groups, serverTiers } = options;
    const devices = groupOf.length;
    const serverCount = serverTiers.length;
    this.groupOf = groupOf;
    this.serverCount = serverCount;
    this.serverTier = Uint8Array.from(serverTiers.map((t) => TARGET_TIERS.indexOf(t)));
    this.rowMode = options.rows ?? 'auto';
    this.warmupS = options.warmupS ?? 0;
    this.splits = options.splits;
    this.versions = options.versions;
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
      this.splits?.add(group, request, endS - request.arrivalS);
    }
    this.versions?.record(request, endS, outcome);
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

/** Hears of each request the log records. */
export interface RecordListener {
  record(request: RequestTimes, endS: number, outcome: Outcome): void;
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
