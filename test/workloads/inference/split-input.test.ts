import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetScenarioInput } from '../../../src/index.js';
import { expectInputError } from '../../helpers/input-error.js';
import { handCardFile, handScenario, resolved, run } from './split-harness.js';

const card = handCardFile();

/** A small fleet that exercises every part of the split path: spread, Poisson arrivals, batching, an exit. */
function busy(overrides: Partial<FleetScenarioInput> = {}): FleetScenarioInput {
  return {
    name: 'split-busy',
    duration: '20 s',
    model: { card: 'alexnet', precision: 'fp16' },
    fleet: [
      {
        name: 'nanos',
        profile: 'jetson-orin-nano',
        count: 20,
        network: { technology: 'wifi5', cell: 'ap' },
        spread: { throughputCv: 0.3 },
        arrivals: { kind: 'poisson', rate: '5/s' },
      },
    ],
    servers: [
      {
        name: 'edge',
        profile: 'edge-server-t4',
        workers: 2,
        batching: { maxBatch: 8, maxWait: '2 ms' },
        rtt: '1 ms',
      },
    ],
    workload: {
      inference: {
        placement: 'split',
        split: { earlyExit: { after: 'pool5', probability: 0.3 } },
        input: '150528 B',
        output: '4000 B',
        slo: '100 ms',
      },
    },
    outputs: { requests: 'always', devices: 'always' },
    ...overrides,
  } as FleetScenarioInput;
}

describe('split placement: bad input', () => {
  it('a split point naming no layer is refused at its path, with valid names', () => {
    const error = expectInputError(() =>
      resolved(handScenario(card, { uplink: '20 Mbps', split: { points: ['a', 'pool9'] } })),
    );
    expect(error.problems).toHaveLength(1);
    const problem = error.problems[0]!;
    expect(problem.path).toBe('workload.inference.split.points[1]');
    expect(problem.value).toBe('pool9');
    expect(problem.message).toBe(
      'model "three-layers" has no layer "pool9"; expected input, output or a layer name (a, b, c)',
    );
  });

  it('an early exit after no layer of the model is refused', () => {
    const error = expectInputError(() =>
      resolved(
        handScenario(card, {
          uplink: '20 Mbps',
          split: { earlyExit: { after: 'z', probability: 0.5 } },
        }),
      ),
    );
    expect(error.problems[0]!.path).toBe('workload.inference.split.earlyExit.after');
    expect(error.problems[0]!.message).toContain('has no layer "z"');
  });

  it('an early exit after the last layer is refused (it is the model output)', () => {
    const error = expectInputError(() =>
      resolved(
        handScenario(card, {
          uplink: '20 Mbps',
          split: { earlyExit: { after: 'c', probability: 0.5 } },
        }),
      ),
    );
    expect(error.problems[0]!.message).toBe(
      'an exit after the last layer ("c") is the model\'s own output; name an earlier layer',
    );
  });

  it('a card without per-layer data (one layer) is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-split-'));
    const one = join(dir, 'one-layer.json');
    writeFileSync(
      one,
      JSON.stringify({
        name: 'one-layer',
        inputShape: [10],
        layers: [
          {
            name: 'all',
            kind: 'dense',
            flops: 200,
            params: 110,
            inputElements: 10,
            outputElements: 10,
            outputShape: [10],
          },
        ],
      }),
    );
    const error = expectInputError(() => resolved(handScenario(one, { uplink: '20 Mbps' })));
    expect(error.problems[0]!.path).toBe('model.card');
    expect(error.problems[0]!.message).toBe(
      'placement "split" needs per-layer data (at least two layers, each with its outputShape); model "one-layer": it has 1 layer',
    );
  });

  it('split placement without a server is refused', () => {
    const error = expectInputError(() => resolved(busy({ servers: [] })));
    expect(error.problems[0]!.path).toBe('workload.inference.placement');
    expect(error.problems[0]!.message).toBe(
      'placement "split" needs a server in `servers`; there is none',
    );
  });

  it('an unknown activation precision is refused by the schema', () => {
    const error = expectInputError(() =>
      resolved(handScenario(card, { uplink: '20 Mbps', split: { activations: 'int4' } })),
    );
    expect(error.problems[0]!.path).toBe('workload.inference.split.activations');
  });
});

describe('split placement: reproducibility', () => {
  it('the same seed gives byte-identical tables', () => {
    const first = JSON.stringify(run(busy(), 7));
    const second = JSON.stringify(run(busy(), 7));
    expect(second).toBe(first);
  });

  it('another seed gives other draws', () => {
    expect(JSON.stringify(run(busy(), 8).requests)).not.toBe(
      JSON.stringify(run(busy(), 7).requests),
    );
  });

  it('the split block changes nothing under another placement', () => {
    const plain = busy();
    const inference = plain.workload!.inference!;
    const edge = busy({
      workload: { inference: { ...inference, placement: 'edge' } },
    } as Partial<FleetScenarioInput>);
    const { split: _, ...withoutSplit } = inference as typeof inference & { split?: unknown };
    const bare = busy({
      workload: { inference: { ...withoutSplit, placement: 'edge' } },
    } as Partial<FleetScenarioInput>);
    expect(JSON.stringify(run(edge, 3))).toBe(JSON.stringify(run(bare, 3)));
  });
});
