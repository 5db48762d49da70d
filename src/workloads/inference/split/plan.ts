/**
 * What split computing needs, worked out once when a scenario is resolved:
 * for every split point k (the device runs layers `[0, k)`, the server
 * `[k, L)`), the device's time for the prefix on each device class, the
 * server's time for the suffix at every batch size, and the bytes that
 * cross. A request's decision is then a scan over these tables
 * (placement/split.ts).
 *
 * Bytes at k: the scenario's `input` at k = 0 (the plain offload path); the
 * activations that cross at 0 < k < L (every tensor made before the split and
 * read after it, residual shortcuts included: `splitPoints` in
 * fleet/roofline.ts) at the transfer precision; nothing at k = L.
 */
import type { InputProblem } from '../../../errors.js';
import type { FleetGroup } from '../../../fleet/fleet.js';
import { inferenceTime } from '../../../fleet/roofline.js';
import { splitPoints } from '../../../fleet/split-points.js';
import type { CostCard, Precision } from '../../../vocabulary/cost-card.js';
import type { DeviceGroup, InferenceScenario } from '../scenario.js';

/** An early exit: a request leaves after layer `at - 1` with `probability`. */
export interface SplitExit {
  /** Layers a request that exits has run: it ends at split point `at`. */
  readonly at: number;
  readonly probability: number;
}

/** What a device class does at each split point. */
export interface SplitGroupPlan {
  /** Roofline time of layers `[0, k)` on the class, by k (before each device's spread), s; undefined where the class cannot run the model. */
  readonly prefixS: Float64Array | undefined;
}

/** What a server does at each split point. */
export interface SplitServerPlan {
  /** Time of one request's layers `[k, L)` (batch 1), by k, s. */
  readonly suffixS: Float64Array;
  /** With an early exit, time of one request's layers `[k, at)` (batch 1), by k < at, s. */
  readonly exitSuffixS: Float64Array | undefined;
  /** Batch time by server class ({@link serverClass}) and batch size (index = size), s; undefined for classes no request can have. */
  readonly batchTimeS: readonly (Float64Array | undefined)[];
}

/** Split computing's tables for one resolved scenario. */
export interface ResolvedSplit {
  /** Layers of the model, L: split points run from 0 to L. */
  readonly layers: number;
  /** Name of each split point: `input` for 0, else the layer after which it splits. */
  readonly labels: readonly string[];
  /** The split points a request may choose (`split.points`, else all), ascending. */
  readonly allowed: Int32Array;
  /** Bytes uploaded at each split point (nothing at L). */
  readonly upBytes: Float64Array;
  /** Precision the activations cross in. */
  readonly activations: Precision;
  readonly exit: SplitExit | undefined;
  /** By device group, as `resolved.groups`. */
  readonly groups: readonly SplitGroupPlan[];
  /** By server, as `resolved.servers`. */
  readonly servers: readonly SplitServerPlan[];
}

/**
 * The server class of a request split at k: the layers it still needs. Class
 * k runs `[k, L)`; a request that will leave at the exit (`exits`, with
 * k < at) runs `[k, at)`, class L + 1 + k. Class 0 is the whole model.
 */
export function serverClass(plan: ResolvedSplit, k: number, exits: boolean): number {
  return exits && plan.exit !== undefined && k < plan.exit.at ? plan.layers + 1 + k : k;
}

/** A server as the split plan needs it. */
interface ServerInput {
  profile: Parameters<typeof inferenceTime>[1];
  precision: Precision;
  maxBatch: number;
}

/**
 * The split tables of `scenario` (placement `split`), or undefined with
 * problems added: a card without per-layer data (fewer than two layers, or a
 * layer without an output shape), a split point or exit naming no layer of
 * the card, a device class that cannot run the model when `input` is not
 * among the allowed points.
 */
export function resolveSplit(
  scenario: InferenceScenario,
  card: CostCard,
  options: { precision: Precision; sparsity: number },
  groups: readonly FleetGroup<DeviceGroup>[],
  servers: readonly ServerInput[],
  problems: InputProblem[],
): ResolvedSplit | undefined {
  const before = problems.length;
  const inference = scenario.workload.inference;
  const spec = inference.split;
  const L = card.layers.length;
  if (!hasLayerData(card, problems)) return undefined;
  const points = new PointNames(card, problems);
  const allowed = points.allowed(spec?.points);
  const exit = points.exit(spec?.earlyExit);
  const prefixes = groups.map((group, g): SplitGroupPlan => {
    const times = sliceTimes(card, group.profile, options, (k) => [0, k]);
    if (times === undefined && !allowed.includes(0))
      problems.push({
        path: `fleet[${g}].profile`,
        message: `model "${card.name}" cannot run on "${group.profile.name}", and split.points leaves its requests no way to the server (add "input")`,
      });
    return { prefixS: times };
  });
  if (problems.length > before) return undefined;

  const activations = spec?.activations ?? options.precision;
  const upBytes = Float64Array.from(splitPoints(card, activations), (p) =>
    p.k === 0 ? inference.input : p.k === L ? 0 : p.bytes,
  );
  return {
    layers: L,
    labels: ['input', ...card.layers.map((l) => l.name)],
    allowed,
    upBytes,
    activations,
    exit,
    groups: prefixes,
    servers: servers.map((server) => serverPlan(card, server, options.sparsity, allowed, exit)),
  };
}

/** Whether the card has per-layer data (two layers or more, each with an output shape); else a problem. */
function hasLayerData(card: CostCard, problems: InputProblem[]): boolean {
  const L = card.layers.length;
  const shapeless = card.layers.filter(
    (l) => !Array.isArray(l.outputShape) || l.outputShape.length === 0,
  );
  if (L >= 2 && shapeless.length === 0) return true;
  const one = shapeless.length === 1;
  const why =
    L < 2
      ? `it has ${L} layer${L === 1 ? '' : 's'}`
      : `layer${one ? '' : 's'} ${fewNames(shapeless.map((l) => l.name))} lack${one ? 's' : ''} an outputShape`;
  problems.push({
    path: 'model.card',
    message: `placement "split" needs per-layer data (at least two layers, each with its outputShape); model "${card.name}": ${why}`,
  });
  return false;
}

/** Split points by name (`input`, `output`, or the layer after which it splits), problems for unknown names. */
class PointNames {
  constructor(
    private readonly card: CostCard,
    private readonly problems: InputProblem[],
  ) {}

  /** The split point `name` stands for, or undefined. */
  pointOf(name: string): number | undefined {
    if (name === 'input') return 0;
    if (name === 'output') return this.card.layers.length;
    const index = this.card.layers.findIndex((l) => l.name === name);
    return index < 0 ? undefined : index + 1;
  }

  /** `split.points` as split points, ascending (every point when absent). */
  allowed(names: readonly string[] | undefined): Int32Array {
    if (names === undefined)
      return Int32Array.from({ length: this.card.layers.length + 1 }, (_, k) => k);
    const chosen = new Set<number>();
    names.forEach((name, i) => {
      const k = this.pointOf(name);
      if (k === undefined) this.unknown(`workload.inference.split.points[${i}]`, name);
      else chosen.add(k);
    });
    return Int32Array.from([...chosen].sort((a, b) => a - b));
  }

  /** `split.earlyExit` as a split point and probability; undefined (with a problem if it names no inner layer). */
  exit(spec: { after: string; probability: number } | undefined): SplitExit | undefined {
    if (spec === undefined) return undefined;
    const at = this.pointOf(spec.after);
    const path = 'workload.inference.split.earlyExit.after';
    if (at === undefined || at === 0) {
      this.unknown(path, spec.after);
      return undefined;
    }
    if (at === this.card.layers.length) {
      this.problems.push({
        path,
        value: spec.after,
        message: `an exit after the last layer ("${spec.after}") is the model's own output; name an earlier layer`,
      });
      return undefined;
    }
    return { at, probability: spec.probability };
  }

  private unknown(path: string, value: string): void {
    this.problems.push({
      path,
      value,
      message: `model "${this.card.name}" has no layer "${value}"; expected input, output or a layer name (${fewNames(this.card.layers.map((l) => l.name))})`,
    });
  }
}

function serverPlan(
  card: CostCard,
  server: ServerInput,
  sparsity: number,
  allowed: Int32Array,
  exit: SplitExit | undefined,
): SplitServerPlan {
  const L = card.layers.length;
  const options = { precision: server.precision, sparsity };
  // The server ran the whole model at resolve time, so every slice of it runs too.
  const suffixS = sliceTimes(card, server.profile, options, (k) => [k, L])!;
  const exitSuffixS =
    exit === undefined
      ? undefined
      : sliceTimes(card, server.profile, options, (k) => [Math.min(k, exit.at), exit.at])!;
  const batchTimeS: (Float64Array | undefined)[] = new Array(2 * (L + 1));
  const table = (from: number, to: number) => {
    const times = new Float64Array(server.maxBatch + 1);
    for (let b = 1; b <= server.maxBatch; b++)
      times[b] = timeOf(card, server.profile, options, [from, to], b);
    return times;
  };
  for (const k of allowed) {
    if (k === L) continue;
    batchTimeS[k] = table(k, L);
    if (exit !== undefined && k < exit.at) batchTimeS[L + 1 + k] = table(k, exit.at);
  }
  return { suffixS, exitSuffixS, batchTimeS };
}

/** Batch-1 times of the slices `range(k)` for k = 0..L, or undefined if the model cannot run there. */
function sliceTimes(
  card: CostCard,
  profile: ServerInput['profile'],
  options: { precision: Precision; sparsity: number },
  range: (k: number) => readonly [number, number],
): Float64Array | undefined {
  const L = card.layers.length;
  if (!inferenceTime(card, profile, options.precision, { sparsity: options.sparsity }).ok)
    return undefined;
  const times = new Float64Array(L + 1);
  for (let k = 0; k <= L; k++) times[k] = timeOf(card, profile, options, range(k), 1);
  return times;
}

function timeOf(
  card: CostCard,
  profile: ServerInput['profile'],
  options: { precision: Precision; sparsity: number },
  layers: readonly [number, number],
  batch: number,
): number {
  const time = inferenceTime(card, profile, options.precision, {
    sparsity: options.sparsity,
    batch,
    layers,
  });
  if (!time.ok)
    throw new Error(`unreachable: a slice of a model that runs cannot fail (${time.reason})`);
  return time.timeS;
}

/** Up to five names, then how many more. */
function fewNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown}, ... ${names.length - 5} more` : shown;
}
