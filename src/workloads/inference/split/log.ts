/**
 * What split computing records: per device group and split point, the
 * completed requests, their latency and the device energy each cost, for
 * `splits.csv` and the summary's split columns.
 *
 * A request's device energy is what its device spent on it beyond idle, as
 * the placement estimates count it: (active - idle power) x its compute time,
 * plus, if it went to a server, its radio's alpha_u x upload bits + alpha_d x
 * download bits + beta x its time on the cell (upload and download) + one
 * tail (tail power x tail time). The meters of devices.csv charge the same
 * radio as a state machine shared by all of a device's transfers, so their
 * total differs where tails overlap.
 */
import type { RadioModel } from '../../../energy/radio-models.js';
import type { Table, TableValue } from '../../../results/table.js';
import type { ResolvedSplit } from './plan.js';

/** The fields of a completed request the split log reads. */
export interface SplitTimes {
  readonly split: number;
  readonly target: number;
  readonly exits: boolean;
  readonly deviceS: number;
  readonly upBytes: number;
  readonly cellUpS: number;
  readonly downloadS: number;
}

/** Counts and sums by group and split point. */
export class SplitLog {
  private readonly points: number;
  private readonly count: Float64Array;
  private readonly exited: Float64Array;
  private readonly latencyS: Float64Array;
  private readonly energyJ: Float64Array;

  constructor(
    private readonly plan: ResolvedSplit,
    /** Per group: the device's power above idle while computing (W) and its radio. */
    private readonly groups: readonly { busyW: number; radio: RadioModel }[],
    /** Payload bits of a response. */
    private readonly downloadBits: number,
  ) {
    this.points = plan.layers + 1;
    const size = groups.length * this.points;
    this.count = new Float64Array(size);
    this.exited = new Float64Array(size);
    this.latencyS = new Float64Array(size);
    this.energyJ = new Float64Array(size);
  }

  /** Records a completed request of group g that took `latencyS`. */
  add(g: number, request: SplitTimes, latencyS: number): void {
    const at = g * this.points + request.split;
    this.count[at]!++;
    if (request.exits) this.exited[at]!++;
    this.latencyS[at]! += latencyS;
    this.energyJ[at]! += this.energyOf(g, request);
  }

  /** Device energy of one completed request (see the file header), J. */
  energyOf(g: number, request: SplitTimes): number {
    const { busyW, radio } = this.groups[g]!;
    const computeJ = busyW * request.deviceS;
    if (request.target < 0) return computeJ;
    return (
      computeJ +
      radio.alphaUpJPerBit * request.upBytes * 8 +
      radio.alphaDownJPerBit * this.downloadBits +
      radio.betaW * (request.cellUpS + request.downloadS) +
      radio.tailW * radio.tailS
    );
  }

  /**
   * splits.csv: per group and split point with completed requests, where it
   * ran (`server`: k = 0, `device`: k = L, else `split`), the layer it split
   * after, the bytes it uploads, the requests, those that left at the early
   * exit, mean latency and mean device energy.
   */
  table(groupNames: readonly string[]): Table {
    const L = this.plan.layers;
    const rows: TableValue[][] = [];
    groupNames.forEach((group, g) => {
      for (let k = 0; k <= L; k++) {
        const at = g * this.points + k;
        const n = this.count[at]!;
        if (n === 0) continue;
        rows.push([
          group,
          k,
          this.plan.labels[k]!,
          k === 0 ? 'server' : k === L ? 'device' : 'split',
          this.plan.upBytes[k]!,
          n,
          this.exited[at]!,
          this.latencyS[at]! / n,
          this.energyJ[at]! / n,
        ]);
      }
    });
    return {
      columns: [
        'group',
        'split_k',
        'split_after',
        'runs',
        'upload_bytes',
        'requests',
        'early_exits',
        'latency_mean_s',
        'device_energy_mean_j',
      ],
      rows,
    };
  }

  /**
   * The summary's split columns over all groups: the fractions of completed
   * requests all on the server (k = 0), split (0 < k < L) and all on the
   * device (k = L), the fraction that left at the early exit, the mean split
   * point and the mean device energy per request.
   */
  summary(): Record<string, TableValue> {
    const L = this.plan.layers;
    let total = 0;
    let server = 0;
    let device = 0;
    let exits = 0;
    let kSum = 0;
    let energyJ = 0;
    for (let at = 0; at < this.count.length; at++) {
      const n = this.count[at]!;
      const k = at % this.points;
      total += n;
      if (k === 0) server += n;
      if (k === L) device += n;
      exits += this.exited[at]!;
      kSum += k * n;
      energyJ += this.energyJ[at]!;
    }
    const share = (x: number) => (total > 0 ? x / total : Number.NaN);
    return {
      split_server_fraction: share(server),
      split_partial_fraction: share(total - server - device),
      split_device_fraction: share(device),
      split_early_exit_fraction: share(exits),
      split_k_mean: share(kSum),
      split_device_energy_mean_j: share(energyJ),
    };
  }
}
