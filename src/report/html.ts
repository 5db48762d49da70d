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
 * One self-contained HTML page showing `charts`, each in its own section,
 * with a contents list. Deterministic: the same charts give the same bytes.
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
  const contents = charts
    .map((c) => `<li><a href="#${escapeHtml(c.name)}">${escapeHtml(c.title)}</a></li>`)
    .join('\n');
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
<noscript><p>The charts need JavaScript; each is also saved as an .svg file beside this page.</p></noscript>
<nav><ol>
${contents}
</ol></nav>
</header>
<main>
${charts.map(chartSection).join('\n')}
</main>
${libraryScripts()}
<script>${EMBED}</script>
</body>
</html>
`;
}
