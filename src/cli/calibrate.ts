import { accessSync, constants, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { tableToCsv } from '../results/csv.js';
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
        if (result.fits.length === 0 && result.copies.size === 0) {
          console.log(`${name}: no calibration measurements; profile unchanged`);
          continue;
        }
        console.log(`${name}:`);
        for (const fit of result.fits) console.log(`  ${describeFit(fit, result.fillsBy)}`);
        for (const [precision, from] of result.copies)
          console.log(`  ${precision}: copies ${from}'s fitted rate and parameters`);
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
    .option(
      '--plot <file>',
      'also draw predicted against measured as SVG (its Vega-Lite spec beside it, .vl.json)',
    )
    .action(fidelityCommand);
}

interface FidelityOptions {
  csv?: string;
  markdown?: boolean;
  plot?: string;
}

async function fidelityCommand(names: string[], options: FidelityOptions): Promise<void> {
  if (options.plot !== undefined && !/\.svg$/i.test(options.plot)) {
    throw new UsageError(`--plot ${options.plot}: the picture is SVG; name a file ending in .svg`);
  }
  // Every output's folder is checked before any is written: a bad --plot leaves no CSV behind.
  if (options.csv !== undefined) checkWritable('--csv', options.csv);
  if (options.plot !== undefined) checkWritable('--plot', options.plot);
  const api = await import('../api/calibrate.js');
  const result = api.fidelity(names.length > 0 ? names : undefined);
  const rows = api.fidelityRowTable(result.rows);
  const summary = api.fidelitySummaryTable(result.summaries);
  if (options.csv !== undefined) writeOutput('--csv', options.csv, tableToCsv(rows));
  if (options.plot !== undefined) {
    const spec = api.fidelityChart(result.rows, result.summaries);
    writeOutput('--plot', options.plot, await api.renderSvg(spec));
    writeOutput('--plot', specFile(options.plot), `${JSON.stringify(spec, null, 2)}\n`);
  }
  const print = options.markdown ? api.markdownTable : api.alignedTable;
  console.log(print(summary));
  console.log('');
  if (result.repeats.length > 0) {
    console.log(print(api.fidelityRepeatTable(result.repeats)));
    console.log('');
  }
  console.log(print(rows));
}

/** Refuses a file a flag names whose folder cannot be written (a usage error, not a bug). */
function checkWritable(flag: string, file: string): void {
  try {
    accessSync(dirname(resolve(file)), constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot write it (${(error as Error).message})`);
  }
}

/** Writes a file a flag names; a path that cannot be written is the user's to fix, not a bug. */
function writeOutput(flag: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot write it (${(error as Error).message})`);
  }
}

/** `fidelity.svg` -> `fidelity.vl.json`: where the chart's spec goes beside its picture. */
function specFile(svg: string): string {
  return svg.replace(/\.svg$/i, '.vl.json');
}

type Fit = Awaited<ReturnType<typeof import('../api/calibrate.js')['calibrate']>>['fits'][number];

function describeFit(fit: Fit, fillsBy: string): string {
  const c = fit.calibration;
  const how =
    fit.transferredFrom === undefined
      ? `${fit.rows} rows, reference stack ${fit.framework}`
      : `no measurements: from the ${fit.transferredFrom} fit`;
  const e = c.efficiency;
  return (
    `${fit.precision}: rate ${fit.achievableFlops.toPrecision(4)} op/s, efficiency dw ${e.depthwise} pw ${e.pointwise} ` +
    `dense ${e.dense} elementwise ${e.elementwise}, half-fill ${c.halfOutputs} ${fillsBy}${c.halfDepth === undefined ? '' : `, half-depth ${c.halfDepth} MACs`}, bandwidth x${c.bandwidthFactor}, ` +
    `per layer ${(c.layerOverheadS * 1e6).toPrecision(4)} us, per call ${(c.callOverheadS * 1e6).toPrecision(4)} us (${how})` +
    Object.entries(fit.otherFrameworks)
      .map(
        ([name, t]) => `\n    ${name}: x${t.factor} + ${(t.addedS * 1e3).toPrecision(4)} ms a call`,
      )
      .join('')
  );
}
