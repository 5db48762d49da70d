/**
 * Domain-shift task streams: every digit in every task, each task seeing them
 * through its own fixed pixel permutation or rotation (the class of a digit
 * is new in each task under class-incremental learning: class identity `task`).
 *
 * Permuted MNIST (Goodfellow, Mirza, Xiao, Courville and Bengio, "An
 * empirical investigation of catastrophic forgetting in gradient-based
 * neural networks", arXiv:1312.6211, 2013; as used by van de Ven and Tolias,
 * arXiv:1904.07734, 2019): task t's pixel i is the original's pixel
 * perm_t[i], the same for every channel (their code, data.py
 * `image[:, permutation]`, github.com/GMvandeVen/continual-learning at
 * ff0e03cb913ac0dea4fc59058968b1e6784decfd, lines 8-20). Their code permutes
 * every task, including the first, unless `exception` is set (then task 0 is
 * unpermuted, lines 165-169); edgesim does the same: `identityFirst` false
 * by default. They pad MNIST to 32 x 32 first; edgesim permutes the 28 x 28
 * digits as they are.
 *
 * Rotated MNIST: bilinear resampling about the image centre, angles
 * counter-clockwise as the image is displayed (row 0 at the top); a source
 * point outside the image reads 0.
 */
import { RandomStreams } from '../../engine/random.js';
import { shuffledOrder } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { splitDataset } from '../data/split.js';
import {
  DEFAULT_TEST_FRACTION,
  mapFeatures,
  type TaskData,
  type TaskSplitOptions,
  type TaskStream,
  withHeads,
} from './tasks.js';

/** Options of {@link permutedMnist}. */
export interface PermutedOptions extends TaskSplitOptions {
  /** Number of tasks, >= 2. */
  readonly tasks: number;
  /** Task 0 unpermuted (the reference code's `exception`); default false: every task permuted. */
  readonly identityFirst?: boolean;
}

/** Options of {@link rotatedMnist}. */
export interface RotatedOptions extends TaskSplitOptions {
  /** One angle per task, in degrees counter-clockwise (at least 2). */
  readonly anglesDeg: readonly number[];
}

/**
 * Pixel permutation of task `task` over `pixels` positions: a Fisher-Yates
 * shuffle from stream `('permuted-mnist', task)` of `RandomStreams(seed)`.
 */
export function taskPermutation(pixels: number, seed: number, task: number): Int32Array {
  return shuffledOrder(pixels, new RandomStreams(seed).stream('permuted-mnist', task));
}

/** Permuted MNIST: `tasks` tasks of all digits, task t under {@link taskPermutation}(28*28, seed, t). */
export function permutedMnist(mnist: Dataset, options: PermutedOptions): TaskStream {
  const { tasks, seed } = options;
  if (!Number.isInteger(tasks) || tasks < 2)
    throw new RangeError(`tasks(=${tasks}) must be an integer >= 2`);
  const [height, width, channels] = imageShape(mnist);
  const pixels = height * width;
  return shiftedStream(`permuted-mnist(${tasks})`, mnist, options, tasks, (t) => {
    if (t === 0 && options.identityFirst === true)
      return { name: 'identity', transform: undefined };
    const perm = taskPermutation(pixels, seed, t);
    return {
      name: `permutation ${t}`,
      transform: (s, out) => permutePixels(s, perm, channels, out),
    };
  });
}

/** Rotated MNIST: one task per angle, every digit rotated by {@link rotateImage}. */
export function rotatedMnist(mnist: Dataset, options: RotatedOptions): TaskStream {
  const angles = options.anglesDeg;
  const bad = angles.find((a) => !Number.isFinite(a));
  if (bad !== undefined) throw new RangeError(`anglesDeg holds ${bad}; angles must be finite`);
  const [height, width, channels] = imageShape(mnist);
  return shiftedStream(
    `rotated-mnist(${angles.join(',')})`,
    mnist,
    options,
    angles.length,
    (t) => ({
      name: `rotation ${angles[t]}deg`,
      transform: (s, out) => rotateImage(s, [height, width, channels], angles[t]!, out),
    }),
  );
}

/**
 * `out[i * channels + ch] = image[perm[i] * channels + ch]`: pixel i of the
 * result is pixel perm[i] of the image (HWC layout).
 */
export function permutePixels(
  image: Float32Array,
  perm: Int32Array,
  channels: number,
  out: Float32Array,
): void {
  for (let i = 0; i < perm.length; i++) {
    for (let ch = 0; ch < channels; ch++) out[i * channels + ch] = image[perm[i]! * channels + ch]!;
  }
}

/**
 * Rotates an HWC image by `angleDeg` counter-clockwise about its centre
 * ((width-1)/2, (height-1)/2), by bilinear interpolation: output pixel
 * (r, c) reads the source at the point the inverse rotation takes it to.
 * With x = c - cx and y = cy - r, the source is (x cos a + y sin a,
 * -x sin a + y cos a). Multiples of 90 degrees use exact sines and cosines,
 * so 0 degrees is the identity and 90 degrees a pixel permutation of a square image.
 */
export function rotateImage(
  image: Float32Array,
  shape: readonly [number, number, number],
  angleDeg: number,
  out: Float32Array,
): void {
  const [height, width, channels] = shape;
  const [cos, sin] = cosSin(angleDeg);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const at = (r: number, c: number, ch: number) =>
    r >= 0 && r < height && c >= 0 && c < width ? image[(r * width + c) * channels + ch]! : 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const x = c - cx;
      const y = cy - r;
      const sc = x * cos + y * sin + cx;
      const sr = cy - (-x * sin + y * cos);
      const r0 = Math.floor(sr);
      const c0 = Math.floor(sc);
      const fr = sr - r0;
      const fc = sc - c0;
      for (let ch = 0; ch < channels; ch++) {
        const top = at(r0, c0, ch) * (1 - fc) + at(r0, c0 + 1, ch) * fc;
        const bottom = at(r0 + 1, c0, ch) * (1 - fc) + at(r0 + 1, c0 + 1, ch) * fc;
        out[(r * width + c) * channels + ch] = top * (1 - fr) + bottom * fr;
      }
    }
  }
}

/** cos and sin of an angle in degrees, exact at multiples of 90. */
function cosSin(angleDeg: number): [number, number] {
  const quarter = angleDeg / 90;
  if (Number.isInteger(quarter)) {
    const q = ((quarter % 4) + 4) % 4;
    return [[1, 0, -1, 0][q]!, [0, 1, 0, -1][q]!];
  }
  const a = (angleDeg * Math.PI) / 180;
  return [Math.cos(a), Math.sin(a)];
}

type Transform = ((sample: Float32Array, out: Float32Array) => void) | undefined;

/** One split of the digits, transformed per task. */
function shiftedStream(
  name: string,
  dataset: Dataset,
  options: TaskSplitOptions,
  tasks: number,
  taskTransform: (t: number) => { name: string; transform: Transform },
): TaskStream {
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const split = splitDataset(dataset, { testFraction, seed: options.seed });
  const classes = [...new Set(dataset.labels)].sort((a, b) => a - b);
  const data: TaskData[] = Array.from({ length: tasks }, (_, index) => {
    const { name: taskName, transform } = taskTransform(index);
    const apply = (d: Dataset) => (transform === undefined ? d : mapFeatures(d, transform));
    return { index, name: taskName, classes, train: apply(split.train), test: apply(split.test) };
  });
  return withHeads(name, data, 'task');
}

function imageShape(dataset: Dataset): [number, number, number] {
  const [height, width, channels = 1] = dataset.sampleShape;
  if (
    dataset.sampleShape.length < 2 ||
    dataset.sampleShape.length > 3 ||
    height === undefined ||
    width === undefined
  ) {
    throw new RangeError(
      `${dataset.name}'s samples [${dataset.sampleShape.join(', ')}] are not images [height, width, channels]`,
    );
  }
  return [height, width, channels];
}
