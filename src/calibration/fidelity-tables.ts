/**
 * The tables `edgesim fidelity` prints, shared by the CLI and the test that
 * keeps docs/fidelity.md equal to them.
 */
import type { Table } from '../results/table.js';
import { forTerminal } from '../terminal.js';
import type { FidelityRepeat, FidelityRow, FidelitySummary } from './index.js';

/** Every measurement beside its prediction, as `edgesim fidelity` prints it. */
export function fidelityRowTable(rows: readonly FidelityRow[]): Table {
  return {
    columns: [
      'profile',
      'set',
      'model',
      'framework',
      'precision',
      'batch',
      'metric',
      'measured',
      'predicted',
      'ratio',
      'stack',
    ],
    rows: rows.map((r) => [
      r.profile,
      r.set,
      r.model,
      r.framework,
      r.precision,
      r.batch,
      r.metric,
      r.value,
      r.predicted === undefined ? null : Number(r.predicted.toPrecision(4)),
      r.ratio === undefined ? null : Number(r.ratio.toFixed(2)),
      r.stack,
    ]),
  };
}

/** The summaries per profile, set and stacks, as `edgesim fidelity` prints them. */
export function fidelitySummaryTable(summaries: readonly FidelitySummary[]): Table {
  return {
    columns: [
      'profile',
      'set',
      'stacks',
      'pairs',
      'median error %',
      'worst error %',
      'within 15%',
      'beyond 35%',
    ],
    rows: summaries.map((s) => [
      s.profile,
      s.set,
      s.stacks,
      s.count,
      Number(s.medianErrorPct.toFixed(1)),
      Number(s.worstErrorPct.toFixed(1)),
      s.within15,
      s.beyond35,
    ]),
  };
}

/** The configurations measured more than once, as `edgesim fidelity` prints them. */
export function fidelityRepeatTable(repeats: readonly FidelityRepeat[]): Table {
  return {
    columns: [
      'profile',
      'model',
      'framework',
      'precision',
      'batch',
      'metric',
      'measured',
      'spread',
      'predicted',
      'within 35%',
    ],
    rows: repeats.map((r) => [
      r.profile,
      r.model,
      r.framework,
      r.precision,
      r.batch,
      r.metric,
      r.values.join(' / '),
      Number(r.spread.toFixed(2)),
      r.predicted === undefined ? null : Number(r.predicted.toPrecision(4)),
      `${r.within35} of ${r.values.length}`,
    ]),
  };
}

/** A table's header and rows as strings (null as `-`). */
export function tableCells(table: Table): string[][] {
  return [
    [...table.columns],
    ...table.rows.map((row) => row.map((v) => (v === null ? '-' : String(v)))),
  ];
}

/** A table as a Markdown table (what docs/fidelity.md holds). */
export function markdownTable(table: Table): string {
  const [header, ...body] = tableCells(table);
  const line = (row: string[]) => `| ${row.map((v) => v.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header as string[]), line(table.columns.map(() => '---')), ...body.map(line)].join(
    '\n',
  );
}

/** A table as columns padded to their widths, for a terminal. */
export function alignedTable(table: Table): string {
  const all = tableCells(table);
  const widths = table.columns.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      forTerminal(
        row
          .map((v, i) => v.padEnd(widths[i] as number))
          .join('  ')
          .trimEnd(),
      ),
    )
    .join('\n');
}
