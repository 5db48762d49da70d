#!/usr/bin/env node
/**
 * The import-boundary check: imports between src/ folders point one way,
 * down the layers below. Reads every `import ... from '...'`, `export ... from
 * '...'` and `import('...')` of src/**\/*.ts, maps both ends to a layer and
 * fails (exit 1) on an import a layer's rule does not allow, printing
 * file:line, the import and the rule. A file in no layer is an error too, so a
 * new folder gets a rule before it gets imports.
 *
 *   node scripts/check-imports.mjs [--root <dir with src/>]
 *
 * CI runs it before the tests (.ci/run); `npm run check:imports` too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers, lowest first. `paths` are under src/: a folder ends with `/`,
 * anything else is one file; the longest match names a file's layer.
 * `mayImport` lists the other layers its files may import (a layer may always
 * import itself). This list is the rule; DESIGN.md's Layout says it in words.
 */
/** The layers below the workloads, which everything from the workloads up may import. */
const DOMAIN = [
  'vocabulary',
  'engine',
  'scenario',
  'energy',
  'fleet',
  'network',
  'ml',
  'compression',
  'cost',
];

export const LAYERS = [
  {
    name: 'vocabulary',
    why: 'shared types and helpers every layer may use; imports nothing of the domain',
    paths: [
      'vocabulary/',
      'results/',
      'errors.ts',
      'version.ts',
      'progress.ts',
      'terminal.ts',
      'heap-guard.ts',
    ],
    mayImport: [],
  },
  {
    name: 'engine',
    why: 'the event kernel knows nothing of devices, links or ML',
    paths: ['engine/'],
    mayImport: ['vocabulary'],
  },
  {
    name: 'scenario',
    why: 'generic scenario input: units, files, problems, merge, limits, header',
    paths: ['scenario/'],
    mayImport: ['vocabulary', 'engine'],
  },
  {
    name: 'energy',
    why: 'power models and meters',
    paths: ['energy/'],
    mayImport: ['vocabulary', 'engine', 'scenario'],
  },
  {
    name: 'fleet',
    why: 'devices, profiles, availability, batteries, the latency model',
    paths: ['fleet/'],
    mayImport: ['vocabulary', 'engine', 'scenario', 'energy'],
  },
  {
    name: 'network',
    why: 'links, cells, transfers',
    paths: ['network/'],
    mayImport: ['vocabulary', 'engine', 'scenario', 'energy'],
  },
  {
    name: 'ml',
    why: 'TF.js runtime, datasets, models, training, cost cards',
    paths: ['ml/'],
    mayImport: ['vocabulary', 'engine', 'scenario'],
  },
  {
    name: 'compression',
    why: 'pruning, quantization, clustering, encoding',
    paths: ['compression/'],
    mayImport: ['vocabulary', 'engine', 'scenario', 'ml'],
  },
  {
    name: 'cost',
    why: 'fleet cost',
    paths: ['cost/'],
    mayImport: ['vocabulary', 'engine', 'scenario', 'energy', 'fleet', 'network'],
  },
  {
    name: 'workloads',
    why: 'what a fleet does in a run, one folder per Workload; they return chart specs, never render',
    paths: ['workloads/'],
    mayImport: [...DOMAIN],
  },
  {
    name: 'report',
    why: 'Vega-Lite charts, HTML and SVG: renders what workloads and sweeps describe',
    paths: ['report/'],
    mayImport: ['vocabulary', 'scenario'],
  },
  {
    name: 'run',
    why: 'the workload registry, the assembled scenario schema, one run from file to CSVs',
    paths: ['workloads/registry.ts', 'workloads/scenario.ts', 'run.ts', 'run-budget.ts'],
    mayImport: [...DOMAIN, 'workloads', 'report'],
  },
  {
    name: 'app',
    why: 'sweeps, planning, checks, timings, calibration and validation, built on runs and the layers below',
    paths: ['sweep/', 'plan/', 'check/', 'perf/', 'calibration/', 'validate.ts'],
    mayImport: [...DOMAIN, 'workloads', 'report', 'run'],
  },
  {
    name: 'bench',
    why: 'benchmarks: through the public API and its lazy entry points',
    paths: ['bench/'],
    mayImport: ['vocabulary', 'engine', 'ml', 'workloads', 'report', 'run', 'app', 'api'],
  },
  {
    name: 'api',
    why: 'the public API (index.ts) and the lazy entry points the CLI loads per command',
    paths: ['index.ts', 'api/'],
    mayImport: [...DOMAIN, 'workloads', 'report', 'run', 'app'],
  },
  {
    name: 'cli',
    why: 'the commander program: only the public API and its entry points',
    paths: ['cli/'],
    mayImport: ['vocabulary', 'api'],
  },
];

/** Folders of src/ whose files may not import one another (`workloads/a` vs `workloads/b`). */
export const SEPARATE_FOLDERS = ['workloads/'];

/** The layer of a path under src/ (forward slashes), or undefined. */
export function layerOf(path) {
  let best;
  let bestLength = -1;
  for (const layer of LAYERS) {
    for (const prefix of layer.paths) {
      const matches = prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix;
      if (matches && prefix.length > bestLength) {
        best = layer;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

const IMPORT = /\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm;

/** Relative imports of a TypeScript source, with their 1-based lines; comment lines skipped. */
export function importsOf(text) {
  const found = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = match[1] ?? match[2] ?? match[3];
    if (!target.startsWith('.')) continue;
    const lineStart = text.lastIndexOf('\n', match.index) + 1;
    const line = text.slice(lineStart, text.indexOf('\n', match.index) >>> 0);
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
    found.push({ target, line: text.slice(0, match.index).split('\n').length });
  }
  return found;
}

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** The workload folder (`workloads/x/`) a path is in, or null. */
function separateFolderOf(path) {
  for (const prefix of SEPARATE_FOLDERS) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length).split('/');
    if (rest.length > 1) return `${prefix}${rest[0]}/`;
  }
  return null;
}

/**
 * Every import of `root`/src that breaks a rule, as
 * `{ file, line, target, message }` (file relative to root).
 */
export function checkImports(root) {
  const src = resolve(root, 'src');
  const violations = [];
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split(sep).join('/');
    const fromLayer = layerOf(from);
    const shown = `src/${from}`;
    if (fromLayer === undefined) {
      violations.push({
        file: shown,
        line: 1,
        target: '',
        message: `src/${from} is in no layer: add its folder to LAYERS in scripts/check-imports.mjs`,
      });
      continue;
    }
    for (const { target, line } of importsOf(readFileSync(file, 'utf8'))) {
      const to = relative(src, resolve(dirname(file), target))
        .split(sep)
        .join('/')
        .replace(/\.js$/, '.ts');
      const message = ruleBroken(from, fromLayer, to);
      if (message !== null) violations.push({ file: shown, line, target, message });
    }
  }
  return violations;
}

function ruleBroken(from, fromLayer, to) {
  if (to.startsWith('..')) return `imports from outside src/`;
  const toLayer = layerOf(to);
  if (toLayer === undefined) return `src/${to} is in no layer`;
  if (toLayer !== fromLayer && !fromLayer.mayImport.includes(toLayer.name)) {
    const allowed = fromLayer.mayImport.join(', ') || 'nothing else';
    return `${fromLayer.name} may import only ${allowed}; src/${to} is ${toLayer.name} (${fromLayer.name}: ${fromLayer.why})`;
  }
  const fromFolder = separateFolderOf(from);
  const toFolder = separateFolderOf(to);
  if (
    fromLayer === toLayer &&
    fromFolder !== null &&
    toFolder !== null &&
    fromFolder !== toFolder
  ) {
    return `src/${fromFolder} may not import src/${toFolder}: workloads are independent (share code one layer down)`;
  }
  return null;
}

function main(argv) {
  const at = argv.indexOf('--root');
  const root = at >= 0 ? argv[at + 1] : join(dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkImports(root);
  for (const v of violations) {
    const what = v.target === '' ? '' : ` imports '${v.target}'`;
    process.stderr.write(`${v.file}:${v.line}${what}: ${v.message}\n`);
  }
  if (violations.length > 0) {
    process.stderr.write(`check-imports: ${violations.length} import(s) break the layer rules\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('check-imports: imports point one way\n');
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main(process.argv.slice(2));
