/**
 * One timed run, in a fresh process, for `edgesim bench`: imports an edgesim
 * build's dist/run.js (this build's, or the baseline build's of `--against`),
 * runs a scenario file into an output directory with its `runScenarioFile`, and
 * prints one line of JSON on stdout: the wall and CPU seconds of the run
 * (loading, simulating, writing the results and report) and of the import
 * before it. CPU time is the whole process's, every thread's, user and system.
 *
 * Usage: node time-run.js <build run.js> <scenario> <out dir> [seed]
 * Exit codes are edgesim's: 2 for bad input, 1 for a failed run.
 */
import { pathToFileURL } from 'node:url';

/** What a timed run prints. */
export interface RunTiming {
  wallS: number;
  cpuS: number;
  importWallS: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

const [entry, scenario, out, seed] = process.argv.slice(2);
if (entry === undefined || scenario === undefined || out === undefined) {
  console.error('usage: time-run.js <build run.js> <scenario> <out dir> [seed]');
  process.exit(2);
}
const importStarted = performance.now(); // wall: benchmark only
const edgesim = await import(pathToFileURL(entry).href);
const started = performance.now(); // wall: benchmark only
const cpuStarted = cpuSeconds();
try {
  await edgesim.runScenarioFile(scenario, {
    out,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    warn: () => {},
  });
} catch (error) {
  const exitCode = (error as { exitCode?: unknown }).exitCode;
  console.error(String((error as Error).message ?? error));
  process.exit(typeof exitCode === 'number' ? exitCode : 1);
}
const timing: RunTiming = {
  wallS: (performance.now() - started) / 1000, // wall: benchmark only
  cpuS: cpuSeconds() - cpuStarted,
  importWallS: (started - importStarted) / 1000,
};
console.log(JSON.stringify(timing));
