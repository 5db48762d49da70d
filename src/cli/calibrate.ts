import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { tableToCsv } from '../results/csv.js';
import type { Table } from '../results/table.js';
import { forTerminal } from '../terminal.js';

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      "fit hardware profiles' latency parameters to hardware-profiles/measurements/<profile>.csv",
    )
    .argument('[profile...]', 'profile names (default: every profile with measurements)')
    .option('--write', 'write the fitted values into the profile files')
    .option('--check', 'exit 1 if a profile file differs from what the fit gives')
    .action(async (names: string[], options: { write?: boolean; check?: boolean }) => {
      const { calibrate, profileNames } = await import('../api/calibrate.js');
      if (options.write && options.check) throw new UsageError('give --write or --check, not both');
      let stale = 0;
      for (const name of names.length > 0 ? names : profileNames()) {
        const result = calibrate(name);
        if (result.fits.length === 0) {
          console.log(`${name}: no calibration measurements; profile unchanged`);
          continue;
        }
        console.log(`${name}:`);
        for (const fit of result.fits) console.log(`  ${describeFit(fit)}`);
        if (options.write && result.changed) writeFileSync(result.file, result.text);
        const state = !result.changed
          ? 'matches the fit'
          : options.write
            ? 'written'
            : 'differs from the fit (run edgesim calibrate --write)';
        if (result.changed && !options.write) stale++;
        console.log(`  ${forTerminal(result.file)}: ${state}`);
      }
      if (options.check && stale > 0) process.exitCode = 1;
    });

  program
    .command('fidelity')
    .description('compare every recorded measurement with what the calibrated profiles predict')
    .argument('[profile...]', 'profile names (default: all)')
    .option('--csv <file>', 'also write every row as CSV')
    .option('--markdown', 'print the summary and rows as Markdown tables')
    .action(async (names: string[], options: { csv?: string; markdown?: boolean }) => {
      const { fidelity } = await import('../api/calibrate.js');
      const result = fidelity(names.length > 0 ? names : undefined);
      const rows = rowTable(result.rows);
      const summary = summaryTable(result.summaries);
      if (options.csv !== undefined) writeFileSync(options.csv, tableToCsv(rows));
      const print = options.markdown ? markdown : aligned;
      console.log(print(summary));
      console.log('');
      console.log(print(rows));
    });
}

type Fit = Awaited<ReturnType<typeof import('../api/calibrate.js')['calibrate']>>['fits'][number];
type Result = ReturnType<typeof import('../api/calibrate.js')['fidelity']>;

function describeFit(fit: Fit): string {
  const c = fit.calibration;
  const how =
    fit.transferredFrom === undefined
      ? `${fit.rows} rows, reference stack ${fit.framework}`
      : `no measurements: from the ${fit.transferredFrom} fit`;
  const e = c.efficiency;
  return (
    `${fit.precision}: rate ${fit.achievableFlops.toPrecision(4)} op/s, efficiency dw ${e.depthwise} pw ${e.pointwise} ` +
    `dense ${e.dense} elementwise ${e.elementwise}, half-fill ${c.halfOutputs} outputs, bandwidth x${c.bandwidthFactor}, ` +
    `per layer ${(c.layerOverheadS * 1e6).toPrecision(4)} us, per call ${(c.callOverheadS * 1e6).toPrecision(4)} us (${how})`
  );
}

function rowTable(rows: Result['rows']): Table {
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

function summaryTable(summaries: Result['summaries']): Table {
  return {
    columns: ['profile', 'set', 'stacks', 'pairs', 'median error %', 'worst error %'],
    rows: summaries.map((s) => [
      s.profile,
      s.set,
      s.stacks,
      s.count,
      Number(s.medianErrorPct.toFixed(1)),
      Number(s.worstErrorPct.toFixed(1)),
    ]),
  };
}

function cells(table: Table): string[][] {
  return [
    [...table.columns],
    ...table.rows.map((row) => row.map((v) => (v === null ? '-' : String(v)))),
  ];
}

function aligned(table: Table): string {
  const all = cells(table);
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

function markdown(table: Table): string {
  const [header, ...body] = cells(table);
  const line = (row: string[]) => `| ${row.map((v) => v.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header as string[]), line(table.columns.map(() => '---')), ...body.map(line)].join(
    '\n',
  );
}
