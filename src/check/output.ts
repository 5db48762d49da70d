/**
 * What check and compare print: a compact table for a person (verdicts in
 * colour only when `colour` is set, which the CLI sets for a terminal
 * without NO_COLOR), and JUnit XML for CI (one test case per expectation or
 * metric; a violation or regression is a failure, an inconclusive
 * expectation or a change without a direction is skipped, with its reason).
 */
import { formatNumber } from '../results/csv.js';
import type { CheckReport, CompareReport } from './report-schema.js';

const COLOURS: Record<string, string> = {
  within: '32',
  same: '32',
  identical: '32',
  improved: '32',
  violated: '31',
  regressed: '31',
  inconclusive: '33',
  changed: '33',
  faster: '32',
  slower: '33',
  new: '33',
};

function paint(verdict: string, colour: boolean): string {
  const code = COLOURS[verdict];
  return colour && code !== undefined ? `\u001b[${code}m${verdict}\u001b[0m` : verdict;
}

/** A number as results print it; `-` for none. */
function show(value: number | null): string {
  return value === null ? '-' : formatNumber(Number(value.toPrecision(4)));
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(2)}%`;
}

/** Columns padded to their widest cell; the verdict (last column) is painted after padding. */
export function table(header: string[], rows: string[][], colour: boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], paintLast: boolean) =>
    cells
      .map((c, i) =>
        i === cells.length - 1 ? (paintLast ? paint(c, colour) : c) : c.padEnd(widths[i]!),
      )
      .join('  ');
  return [line(header, false), ...rows.map((r) => line(r, true))].join('\n');
}

/** The check report as a table, then a one-line outcome. */
export function checkTable(report: CheckReport, colour: boolean): string {
  const rows = report.expectations.map((e) => [
    e.metric,
    e.expected,
    show(e.mean),
    e.ciLow === null ? '-' : `[${show(e.ciLow)}, ${show(e.ciHigh)}]`,
    String(e.n),
    e.verdict,
  ]);
  const { within, violated, inconclusive } = report.counts;
  return [
    table(
      ['metric', 'expected', 'mean', `${report.confidence * 100}% CI`, 'n', 'verdict'],
      rows,
      colour,
    ),
    `${report.outcome.toUpperCase()}: ${within} within, ${violated} violated, ${inconclusive} inconclusive (${report.replications} replications of ${report.scenario}, ${report.cached} cached)`,
  ].join('\n');
}

/** The compare report as a table (without the metrics that are the same unless `all`), then a one-line outcome. */
export function compareTable(report: CompareReport, colour: boolean, all = false): string {
  const shown = report.metrics.filter(
    (m) => all || (m.verdict !== 'same' && m.verdict !== 'identical'),
  );
  const rows = shown.map((m) => [
    m.point === '' ? m.metric : `${m.metric} @ ${m.point}`,
    show(m.baselineMean),
    show(m.candidateMean),
    percent(m.relativeDifference),
    m.relativeCiLow === null ? '-' : `[${percent(m.relativeCiLow)}, ${percent(m.relativeCiHigh)}]`,
    m.verdict,
  ]);
  const c = report.counts;
  const summary = report.identical
    ? `${report.outcome.toUpperCase()}: identical (every result file has the same SHA-256)`
    : `${report.outcome.toUpperCase()}: ${c.regressed} regressed, ${c.improved} improved, ${c.changed} changed, ${c.same} same (${report.method}; ${report.baseline.runs} vs ${report.candidate.runs} runs)`;
  if (rows.length === 0) return summary;
  const header = ['metric', 'baseline', 'candidate', 'change', 'CI of change', 'verdict'];
  return `${table(header, rows, colour)}\n${summary}`;
}

/** Text safe inside an XML attribute or element. */
function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

/** One JUnit test case. */
export interface Case {
  name: string;
  classname: string;
  outcome: 'pass' | 'failure' | 'skipped';
  message: string;
}

/** JUnit XML of one test suite (a run of a command). */
export function junit(suite: string, cases: readonly Case[]): string {
  const failures = cases.filter((c) => c.outcome === 'failure').length;
  const skipped = cases.filter((c) => c.outcome === 'skipped').length;
  const body = cases.map((c) => {
    const open = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}"`;
    if (c.outcome === 'pass') return `${open} />`;
    const tag = c.outcome === 'failure' ? 'failure' : 'skipped';
    return `${open}>\n      <${tag} message="${xml(c.message)}" />\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="edgesim" tests="${cases.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** JUnit XML of a check: one test case per expectation. */
export function checkJunit(report: CheckReport, failOnInconclusive: boolean): string {
  const cases = report.expectations.map((e): Case => {
    const interval = e.ciLow === null ? 'no interval' : `CI [${e.ciLow}, ${e.ciHigh}]`;
    const message = `${e.verdict}: mean ${e.mean} (${interval}, n = ${e.n}); expected ${e.expected}`;
    const outcome =
      e.verdict === 'within'
        ? 'pass'
        : e.verdict === 'violated' || failOnInconclusive
          ? 'failure'
          : 'skipped';
    return { name: e.metric, classname: `edgesim.check.${report.scenario}`, outcome, message };
  });
  return junit(`edgesim check ${report.scenario}`, cases);
}

/** JUnit XML of a compare: one test case per metric (and point). */
export function compareJunit(report: CompareReport, failOnChanged: boolean): string {
  const cases = report.metrics.map((m): Case => {
    const message = `${m.verdict}: ${m.baselineMean} -> ${m.candidateMean} (${percent(m.relativeDifference)}, CI [${percent(m.relativeCiLow)}, ${percent(m.relativeCiHigh)}])`;
    const failed = m.verdict === 'regressed' || (failOnChanged && m.verdict === 'changed');
    const outcome = failed ? 'failure' : m.verdict === 'changed' ? 'skipped' : 'pass';
    const name = m.point === '' ? m.metric : `${m.metric} @ ${m.point}`;
    return { name, classname: 'edgesim.compare', outcome, message };
  });
  return junit(`edgesim compare ${report.baseline.dir} ${report.candidate.dir}`, cases);
}
