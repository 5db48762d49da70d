/**
 * The self-contained HTML report: vega, vega-lite and vega-embed inlined from
 * their installed UMD builds, each chart's spec embedded as JSON, no request
 * to anywhere (a Content-Security-Policy forbids every fetch, as a second
 * line of defence). Every user string is escaped: text as HTML, JSON inside
 * <script> with `<`, `>`, `&`, U+2028 and U+2029 as \u escapes, so neither
 * `</script>` nor `<!--` in a scenario name can end or alter a script.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportChart } from './charts.js';
import type { ReportMeta } from './columns.js';
import type { SummaryTable } from './summary.js';
import { formatNumber } from './units.js';

/** Text escaped for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON text safe to place inside a <script> element: `<`, `>`, `&` and the
 * JavaScript line separators become \u escapes, which JSON.parse reads back
 * as the same characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** package name -> its minified UMD build, relative to the directory of its main entry. */
const LIBRARIES: readonly (readonly [pkg: string, file: string])[] = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
];

let inlinedScripts: string | undefined;

/**
 * The three libraries' browser builds as <script> elements, read from the
 * installed packages on first use. Throws if a build is missing or holds a
 * sequence that could not be inlined safely.
 */
function libraryScripts(): string {
  if (inlinedScripts !== undefined) return inlinedScripts;
  const require = createRequire(import.meta.url);
  inlinedScripts = LIBRARIES.map(([pkg, file]) => {
    // Each package's main entry sits in its build/ directory, beside the UMD build.
    const path = join(dirname(require.resolve(pkg)), file);
    const code = readFileSync(path, 'utf8')
      .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
      .replace(/<\/(script)/gi, '<\\/$1');
    if (/<!--|<script/i.test(code)) {
      throw new Error(`report: ${path} contains '<!--' or '<script' and cannot be inlined`);
    }
    return `<script>/* ${pkg} */\n${code}\n</script>`;
  }).join('\n');
  return inlinedScripts;
}

const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2.5rem; }
section.chart { border-top: 1px solid #ddd; }
.view { overflow-x: auto; }
.files { color: #666; font-size: 0.85rem; }
nav ol { columns: 2; font-size: 0.9rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: #666; font-size: 0.8rem; }
.note { color: #666; font-size: 0.85rem; }
`;

// Runs in the page: embeds every chart, marks each section as drawn or failed.
const EMBED = `
(function () {
  'use strict';
  var sections = document.querySelectorAll('section.chart');
  Array.prototype.forEach.call(sections, function (section) {
    var target = section.querySelector('.view');
    var spec = JSON.parse(section.querySelector('script[type="application/json"]').textContent);
    vegaEmbed(target, spec, {
      renderer: 'svg',
      actions: { export: true, source: true, compiled: false, editor: false }
    }).then(function () {
      section.setAttribute('data-rendered', 'true');
    }).catch(function (error) {
      section.setAttribute('data-rendered', 'error');
      target.textContent = 'This chart could not be drawn: ' + error.message;
      console.error(error);
    });
  });
})();
`;

/** Extra facts shown under the report title. */
export interface ReportContext {
  /** Number of runs in the table. */
  readonly runs?: number;
  /** Facts shown under the title instead of the sweep's (runs, swept parameters, replications). */
  readonly facts?: readonly string[];
  /** The summary table shown first, when given. */
  readonly summary?: SummaryTable;
  /** Warnings shown under the facts, e.g. metrics named in the scenario that the results lack. */
  readonly notes?: readonly string[];
}

/** Configurations beyond which the summary table shows only the first ones. */
export const MAX_SUMMARY_ROWS = 500;

/** A mean and its interval as table cell content (escaped): "43.2" over "[40.1, 46.3]". */
function summaryCell(ci: { n: number; mean: number; low: number; high: number }): string {
  const interval =
    ci.n >= 2
      ? `[${formatNumber(ci.low)}, ${formatNumber(ci.high)}]`
      : `(${ci.n} run${ci.n === 1 ? '' : 's'})`;
  return `<td class="num">${escapeHtml(formatNumber(ci.mean))}<br><span class="ci">${escapeHtml(interval)}</span></td>`;
}

/** The summary table as an HTML section; every header and value escaped as text. */
export function summaryHtml(summary: SummaryTable): string {
  const headers = [...summary.parameters, 'runs', ...summary.metrics.map((m) => m.label)];
  const shown = summary.rows.slice(0, MAX_SUMMARY_ROWS);
  const rows = shown.map((row) => {
    const values = row.values.map((v) => `<td>${escapeHtml(v)}</td>`).join('');
    return `<tr>${values}<td class="num">${row.runs}</td>${row.cells.map(summaryCell).join('')}</tr>`;
  });
  const more =
    summary.rows.length > shown.length
      ? `<p class="note">The first ${shown.length} of ${summary.rows.length} configurations.</p>`
      : '';
  return [
    '<section id="summary">',
    '<h2>Summary</h2>',
    '<p class="note">One row per configuration: the mean over its runs, and below it the 95% confidence interval (Student t).</p>',
    '<div class="table"><table>',
    `<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table></div>',
    more,
    '</section>',
  ].join('\n');
}

function chartSection(chart: ReportChart): string {
  const id = escapeHtml(chart.name);
  return [
    `<section class="chart" id="${id}">`,
    `<h2>${escapeHtml(chart.title)}</h2>`,
    '<div class="view"></div>',
    `<p class="files">${id}.vl.json, ${id}.svg</p>`,
    `<script type="application/json">${jsonForScript(chart.spec)}</script>`,
    '</section>',
  ].join('\n');
}

/**
 * One self-contained HTML page showing the summary table (when given) and
 * `charts`, each in its own section, with a contents list. Deterministic:
 * the same input gives the same bytes.
 */
export function renderReportHtml(
  charts: readonly ReportChart[],
  meta: ReportMeta,
  context: ReportContext = {},
): string {
  const facts = context.facts ?? [
    ...(context.runs === undefined ? [] : [`${context.runs} runs`]),
    meta.parameters.length === 0 ? 'no swept parameters' : `swept: ${meta.parameters.join(', ')}`,
    `replications pooled over '${meta.replicationColumn}'`,
  ];
  const contents = [
    ...(context.summary ? ['<li><a href="#summary">Summary</a></li>'] : []),
    ...charts.map((c) => `<li><a href="#${escapeHtml(c.name)}">${escapeHtml(c.title)}</a></li>`),
  ].join('\n');
  const notes = (context.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>\n`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(meta.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(meta.title)}</h1>
<p>${escapeHtml(facts.join(' · '))}</p>
${notes}<noscript><p>The charts need JavaScript; each is also saved as an .svg file beside this page.</p></noscript>
<nav><ol>
${contents}
</ol></nav>
</header>
<main>
${context.summary ? `${summaryHtml(context.summary)}\n` : ''}${charts.map(chartSection).join('\n')}
</main>
${libraryScripts()}
<script>${EMBED}</script>
</body>
</html>
`;
}
