import type { HardwareProfile } from '../../fleet/profiles.js';
import { type Table, tableRecords } from '../../results/table.js';
import type { ChartRequest, WorkloadReport } from '../../vocabulary/workload-report.js';

/** Profiles charted for accuracy against latency; the rest are in estimates.csv. */
const MAX_LATENCY_CHARTS = 4;

/**
 * The report of a compression run: the accuracy vs encoded size Pareto front
 * of the variants, and the accuracy vs latency front on each of the first
 * four hardware profiles. report/ draws it (`report/report.html`, and
 * `.vl.json` and `.svg` per chart).
 */
export function compressionReport(
  title: string,
  tables: Readonly<Record<string, Table>>,
  profiles: readonly HardwareProfile[],
): WorkloadReport {
  const variants = tableRecords(tables.variants!).filter((r) => r.status === 'ok');
  const estimates = tableRecords(tables.estimates!).filter((r) => r.status === 'ok');
  const charts: ChartRequest[] = [
    {
      kind: 'pareto',
      title: 'Accuracy vs encoded size',
      subtitle: 'variants; line: Pareto front (fewer bytes, higher accuracy is better)',
      rows: variants,
      metrics: ['encoded_bytes', 'accuracy'],
      labelColumn: 'variant',
    },
  ];
  for (const profile of profiles.slice(0, MAX_LATENCY_CHARTS)) {
    const stack = profile.stack ?? '';
    const rows = estimates.filter((r) => r.profile === profile.name && r.stack === stack);
    if (rows.length === 0) continue;
    const on = stack === '' ? profile.name : `${profile.name} (${stack})`;
    charts.push({
      kind: 'pareto',
      title: `Accuracy vs latency on ${on}`,
      subtitle: `${profile.label}; roofline latency of one inference; line: Pareto front (lower latency, higher accuracy is better)`,
      rows,
      metrics: ['latency_s', 'accuracy'],
      labelColumn: 'variant',
      nameSuffix: stack === '' ? profile.name : `${profile.name}-${stack}`,
    });
  }
  return {
    title: `${title}: compression variants`,
    parameters: ['variant'],
    facts: [`${variants.length} variants measured`],
    charts,
  };
}
