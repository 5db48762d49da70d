import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fidelityChart } from '../../src/calibration/fidelity-chart.js';
import { type FidelityRow, fidelity } from '../../src/calibration/index.js';
import { compileSpec, renderSvg } from '../../src/report/svg.js';
import { PACKAGE_ROOT } from '../../src/version.js';

/** A measured row with its prediction, the rest filled in. */
function row(o: Partial<FidelityRow>): FidelityRow {
  return {
    profile: 'p',
    model: 'm',
    framework: 'f',
    precision: 'int8',
    batch: 1,
    metric: 'latency_ms',
    value: 1,
    set: 'validation',
    source: 's',
    note: '',
    line: 2,
    predicted: 1,
    ratio: 1,
    stack: 'reference',
    ...o,
  };
}

/** The points layer's data of a fidelity chart. */
function points(spec: ReturnType<typeof fidelityChart>) {
  const layers = (spec as { layer: { data: { values: Record<string, unknown>[] } }[] }).layer;
  return layers[1]!.data.values;
}

describe('the fidelity chart', () => {
  it('plots one call’s time, measured and predicted, worked by hand from each metric', () => {
    const spec = fidelityChart(
      [
        row({ value: 2.5, predicted: 3, set: 'calibration' }),
        // 6,400 samples/s at batch 32 is 5 ms a call; predicted 8,000/s is 4 ms.
        row({ metric: 'throughput_per_s', batch: 32, value: 6400, predicted: 8000 }),
        row({ value: 10, predicted: 2, stack: 'unseen' }),
        row({ metric: 'energy_uj', value: 500, predicted: 400 }),
        row({ value: 7, predicted: undefined, ratio: undefined }),
      ],
      [],
    );
    expect(points(spec).map((p) => [p.measured, p.predicted, p.group])).toEqual([
      [2.5, 3, 'calibration'],
      [5, 4, 'validation, stack seen'],
      [10, 2, 'validation, stack unseen'],
    ]);
  });

  it('draws every timed pair of the recorded measurements, and compiles cleanly', () => {
    const result = fidelity();
    const spec = fidelityChart(result.rows, result.summaries);
    const timed = result.rows.filter((r) => r.metric !== 'energy_uj' && r.predicted !== undefined);
    expect(points(spec)).toHaveLength(timed.length);
    expect(compileSpec(spec).warnings).toEqual([]);
  });

  it('is the picture docs/fidelity.md shows (regenerate with edgesim fidelity --plot docs/fidelity.svg)', async () => {
    const result = fidelity();
    const svg = await renderSvg(fidelityChart(result.rows, result.summaries));
    expect(svg).toBe(readFileSync(join(PACKAGE_ROOT, 'docs', 'fidelity.svg'), 'utf8'));
  });
});
