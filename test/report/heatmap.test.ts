/**
 * The heat map of a metric over two categorical swept parameters (defence x
 * attack in scenarios/fl-robust.yaml): cells hold the mean over
 * replications worked out by hand, one panel per value of the remaining
 * parameter, and the spec compiles and renders.
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, type ReportRow, renderSvg, reportCharts } from '../../src/report/index.js';

const DEFENCE = 'federated.strategy';
const ATTACK = 'federated.attack.kind';
const FRACTION = 'federated.attack.fraction';

/** Accuracy = base by defence − damage by attack × fraction, ± 0.01 over two replications. */
function table(): ReportRow[] {
  const base: Record<string, number> = { fedavg: 0.9, 'fedavg+median': 0.88 };
  const damage: Record<string, number> = { 'sign-flip': 3, 'label-flip': 0.1 };
  const rows: ReportRow[] = [];
  for (const defence of Object.keys(base))
    for (const attack of Object.keys(damage))
      for (const fraction of [0.1, 0.2])
        for (const replication of [0, 1])
          rows.push({
            [DEFENCE]: defence,
            [ATTACK]: attack,
            [FRACTION]: fraction,
            replication,
            final_accuracy:
              base[defence]! -
              (defence === 'fedavg' ? damage[attack]! * fraction : 0) +
              (replication === 0 ? -0.01 : 0.01),
          });
  return rows;
}

const meta = {
  title: 'robust',
  parameters: [DEFENCE, ATTACK, FRACTION],
  replicationColumn: 'replication',
  metrics: ['final_accuracy'],
};

type Cell = { x: string; y: string; panel: string; mean: number; n: number };

describe('heat map of two categorical parameters', () => {
  const chart = reportCharts(table(), meta).find((c) => c.kind === 'heatmap')!;

  it('puts the mean over replications in each cell, a panel per fraction', () => {
    expect(chart.name).toBe('final_accuracy-by-strategy-and-kind');
    const cells = (chart.spec as unknown as { data: { values: Cell[] } }).data.values;
    expect(cells).toHaveLength(8); // 2 defences x 2 attacks x 2 fractions
    const cell = (x: string, y: string, f: number) =>
      cells.find((c) => c.x === x && c.y === y && c.panel === `fraction ${f}`)!;
    // FedAvg under sign flip at 20%: 0.9 - 3 x 0.2 = 0.3 (replications 0.29 and 0.31).
    expect(cell('fedavg', 'sign-flip', 0.2).mean).toBeCloseTo(0.3, 12);
    expect(cell('fedavg', 'sign-flip', 0.2).n).toBe(2);
    // Median is undamaged: 0.88 at every fraction.
    expect(cell('fedavg+median', 'sign-flip', 0.1).mean).toBeCloseTo(0.88, 12);
    // Label flip at 10%: 0.9 - 0.1 x 0.1 = 0.89.
    expect(cell('fedavg', 'label-flip', 0.1).mean).toBeCloseTo(0.89, 12);
  });

  it('compiles without warnings and renders', async () => {
    expect(compileSpec(chart.spec).warnings).toEqual([]);
    expect(await renderSvg(chart.spec)).toContain('role-mark');
  });

  it('is not drawn with fewer than two categorical parameters', () => {
    const one = { ...meta, parameters: [DEFENCE, FRACTION] };
    const rows = table().filter((r) => r[ATTACK] === 'sign-flip');
    expect(reportCharts(rows, one).some((c) => c.kind === 'heatmap')).toBe(false);
  });
});
