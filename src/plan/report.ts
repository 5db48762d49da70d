/**
 * A plan's report page: the objective against the first constraint's
 * metric (cost against p95, say) for every configuration evaluated, coloured
 * by feasibility, with the Pareto front, the constraint's bound and the
 * chosen point. Written as `report/report.html` and the chart's `.vl.json`
 * and `.svg`; deterministic, like every report.
 */
import { join } from 'node:path';
import { meanAndError } from '../report/stats.js';
import { renderWorkloadReport } from '../report/workload-report.js';
import { writeAtomically } from '../sweep/run-sweep.js';
import type { WorkloadReport } from '../vocabulary/workload-report.js';
import { metricValue } from './metrics.js';
import type { CheckedPlan } from './run-plan.js';
import type { Evaluated, SearchResult } from './search.js';

/** Writes the report into `outDir/report`; returns nothing when the plan has no constraint to plot against. */
export async function writePlanReport(
  outDir: string,
  checked: CheckedPlan,
  result: SearchResult,
  marks: { front: ReadonlySet<number>; chosen: number | undefined },
): Promise<void> {
  const report = planReport(checked, result, marks);
  if (report === undefined) return;
  const files = await renderWorkloadReport(report);
  for (const [path, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    writeAtomically(join(outDir, path), text);
  }
}

function planReport(
  checked: CheckedPlan,
  result: SearchResult,
  marks: { front: ReadonlySet<number>; chosen: number | undefined },
): WorkloadReport | undefined {
  const constraint = checked.spec.constraints[0];
  if (constraint === undefined) return undefined;
  const x = constraint.metric;
  const y = checked.spec.objective.metric;
  const mean = (c: Evaluated, m: string) =>
    meanAndError(c.outcomes.flatMap((o) => (o.ok ? [metricValue(o.summary, m)] : []))).mean;
  const points = result.evaluated
    .filter((c) => c.error === undefined)
    .map((c) => ({
      config: c.id,
      label: checked.spec.variables
        .map((v, i) => `${v.path}=${JSON.stringify(v.levels[c.levels[i]!])}`)
        .join(', '),
      x: mean(c, x),
      y: mean(c, y),
      status: c.feasible ? 'feasible' : 'infeasible',
      front: marks.front.has(c.id),
      chosen: c.id === marks.chosen,
    }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const front = points.filter((p) => p.front).sort((a, b) => a.x - b.x || a.y - b.y);
  // Latencies of overloaded configurations run orders of magnitude past the bound.
  const logX = points.every((p) => p.x > 0) && constraint.bound > 0;
  const xScale = logX ? { type: 'log' } : { zero: false };
  const axis = { x: { field: 'x', type: 'quantitative', title: x, scale: xScale } };
  const yAxis = { field: 'y', type: 'quantitative', title: y, scale: { zero: false } };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: front },
      mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
      encoding: { ...axis, y: yAxis },
    },
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 60 },
      encoding: {
        ...axis,
        y: yAxis,
        color: { field: 'status', type: 'nominal', title: 'configuration' },
        tooltip: [{ field: 'label' }, { field: 'x', title: x }, { field: 'y', title: y }],
      },
    },
    {
      data: { values: [{ bound: constraint.bound }] },
      mark: { type: 'rule', color: '#c00', strokeDash: [6, 4] },
      encoding: { x: { field: 'bound', type: 'quantitative' } },
    },
    {
      data: { values: points.filter((p) => p.chosen) },
      mark: { type: 'point', shape: 'diamond', size: 220, color: '#000', strokeWidth: 2 },
      encoding: { ...axis, y: yAxis },
    },
  ];
  return {
    title: `${checked.name}: plan`,
    parameters: [],
    facts: [
      `${result.evaluated.length} configurations evaluated in ${result.runs} runs`,
      `objective: ${checked.spec.objective.sense} ${y}`,
      `constraint: ${x} ${constraint.op} ${constraint.bound} (red line)`,
    ],
    charts: [
      {
        kind: 'spec',
        name: 'plan-front',
        title: `${y} against ${x}`,
        subtitle:
          'every configuration evaluated; dashed: the Pareto front; diamond: the chosen one',
        spec: { layer: layers },
      },
    ],
  };
}
