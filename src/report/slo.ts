/**
 * The latency objective drawn on latency charts: a dashed rule at each SLO
 * value, in the chart's unit, labelled "SLO 250 ms". Its data is its own, so
 * the chart's scale takes the SLO into its domain and the line is always in
 * view. The rule's marks are named `slo` (class `slo_marks` in the SVG).
 */
import { chartNumber } from './stats.js';
import { type DisplayUnit, formatNumber, toDisplay } from './units.js';

const SLO_COLOR = '#b2182b';
const SECONDS = { dimension: 'time', scale: 1, per: '' } as const;

/** Vega-Lite layers drawing each of `sloS` (s) across the chart, along `axis` in `unit`. */
export function sloLayers(
  sloS: readonly number[],
  unit: DisplayUnit,
  axis: 'x' | 'y',
  title: string,
): Record<string, unknown>[] {
  if (sloS.length === 0) return [];
  const values = [...new Set(sloS)].map((s) => {
    const shown = toDisplay(s, SECONDS, unit);
    return { slo: chartNumber(shown), label: `SLO ${formatNumber(shown)} ${unit.symbol}` };
  });
  const position = { field: 'slo', type: 'quantitative', title };
  const text =
    axis === 'y'
      ? { x: 'width', dx: -4, dy: -4, align: 'right', baseline: 'bottom' }
      : { y: 0, angle: 90, dx: 4, dy: -4, align: 'left', baseline: 'bottom' };
  return [
    {
      name: 'slo',
      data: { values },
      mark: { type: 'rule', color: SLO_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { [axis]: position },
    },
    {
      data: { values },
      mark: { type: 'text', color: SLO_COLOR, fontSize: 11, ...text },
      encoding: { [axis]: position, text: { field: 'label' } },
    },
  ];
}
