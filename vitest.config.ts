import { defineConfig } from 'vitest/config';

/**
 * Three projects. `unit` imports src/ directly and needs no build. `dist`
 * runs the built CLI or starts worker threads from dist/, so its global
 * setup builds dist/ first (only when a source is newer than the build).
 * `slow` trains real models on real data (minutes on 2 cores). `npm test`
 * runs all three; `npm run test:fast` skips `slow`.
 */
const DIST = [
  'test/cli/**/*.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/plan/threads.test.ts',
  'test/check/cli.test.ts',
  'test/perf/cli.test.ts',
  'test/results/out-dir.test.ts',
  'test/resource-guards.test.ts',
  'test/scenario/input-files.test.ts',
  'test/scenario/schema-bounds.test.ts',
  'test/sweep/integrity.test.ts',
  'test/sweep/pool.test.ts',
  'test/sweep/sweep.test.ts',
  'test/validate.test.ts',
  'test/workloads/compress/compress.test.ts',
  'test/workloads/federated/async-threads.test.ts',
  'test/workloads/federated/attacks-threads.test.ts',
  'test/workloads/federated/federated.test.ts',
  'test/workloads/federated/threads.test.ts',
  'test/workloads/federated/wrappers.test.ts',
  'test/workloads/federated/privacy/dp-runs.test.ts',
  'test/workloads/federated/secagg-runs.test.ts',
];
const SLOW = [
  'test/ml/train.test.ts',
  'test/workloads/compress/mnist.test.ts',
  'test/workloads/federated/async-mnist.test.ts',
  'test/workloads/federated/attacks-mnist.test.ts',
  'test/workloads/federated/mnist.test.ts',
  'test/workloads/federated/privacy-mnist.test.ts',
  'test/workloads/federated/strategies-mnist.test.ts',
  'test/workloads/learn/split-mnist-claims.test.ts',
];
const build = ['test/global-setup.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A test file per core. Vitest's default for `run` is one core fewer, which on a 2-core
    // machine runs the files one at a time. Whole suite, 2 cores, load 2-3.5:
    // 740 s with the default, 536 s with this (all 108 files passing).
    maxWorkers: '100%',
    // The tests hold the built-in profiles to their figures: a developer's own profile
    // folders (EDGESIM_PROFILES) must not change them. Tests that use it set it themselves.
    env: { EDGESIM_PROFILES: '' },
    projects: [
      {
        extends: true,
        // One module graph per worker, not per file: imports (TF.js, mathjs, zod) load once.
        // Measured with `npx vitest run --project unit`: 364 s -> 216 s wall, 335 s -> 215 s
        // CPU, all 81 files passing, also in a shuffled order.
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...DIST, ...SLOW],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'dist', include: DIST, globalSetup: build } },
      { extends: true, test: { name: 'slow', include: SLOW, globalSetup: build } },
    ],
  },
});
