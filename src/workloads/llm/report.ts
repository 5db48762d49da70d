/**
 * The report of an llm run: TTFT, TPOT and end-to-end latency percentiles
 * per tier, and the energy per token each tier spent. Latency against load
 * per placement is a sweep's chart (`scenarios/llm-edge.yaml` sweeps the
 * request rate and the placement; its report draws the summary's columns).
 */
import { type Table, type TableValue, tableRecords } from '../../results/table.js';
import type { WorkloadReport } from '../../vocabulary/workload-report.js';

export function llmReport(
  title: string,
  tables: Readonly<Record<string, Table>>,
): WorkloadReport | null {
  const { tiers, summary } = tables;
  if (tiers === undefined || summary === undefined) return null;
  const used = tableRecords(tiers).filter((r) => (r.completed as number) > 0);
  const head = tableRecords(summary)[0]!;
  const latency = used.flatMap((r) =>
    (['ttft', 'tpot', 'e2e'] as const).flatMap((measure) =>
      (['p50', 'p95', 'p99'] as const).map((q) => ({
        tier: r.tier,
        measure,
        quantile: q,
        seconds: r[`${measure}_${q}_s`] ?? null,
      })),
    ),
  );
  const pct = (x: TableValue | undefined) =>
    typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : 'n/a';
  return {
    title: `${title}: language models at the edge`,
    parameters: [],
    facts: [
      `placement: ${head.placement}`,
      `${head.completed} of ${head.requests} requests completed, ${head.tokens} tokens`,
      `SLO attainment: ${pct(head.slo_attainment)} (TTFT ${pct(head.slo_ttft_attainment)}, TPOT ${pct(head.slo_tpot_attainment)})`,
      `${head.preemptions} preemptions`,
    ],
    charts: [
      {
        kind: 'spec',
        name: 'latency-by-tier',
        title: 'TTFT, TPOT and end-to-end latency by tier',
        subtitle:
          'percentiles over completed requests, at the client (each panel on its own scale)',
        spec: {
          data: { values: latency },
          facet: { column: { field: 'measure', type: 'nominal', sort: ['ttft', 'tpot', 'e2e'] } },
          resolve: { scale: { y: 'independent' } },
          spec: {
            width: 180,
            mark: 'bar',
            encoding: {
              x: { field: 'tier', type: 'nominal', title: null },
              xOffset: { field: 'quantile', sort: ['p50', 'p95', 'p99'] },
              y: { field: 'seconds', type: 'quantitative', title: 's' },
              color: { field: 'quantile', type: 'ordinal', sort: ['p50', 'p95', 'p99'] },
            },
          },
        },
      },
      {
        kind: 'spec',
        name: 'energy-per-token',
        title: 'Energy per token by tier',
        subtitle: 'devices: compute energy of on-device requests; servers: busy and idle energy',
        spec: {
          data: { values: used },
          mark: 'bar',
          encoding: {
            x: { field: 'tier', type: 'nominal', title: null },
            y: { field: 'energy_per_token_j', type: 'quantitative', title: 'J per token' },
          },
        },
      },
    ],
  };
}
