/**
 * The import-boundary check (scripts/check-imports.mjs) that `.ci/run` runs
 * before the tests: imports between src/ folders point down the layers.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkImports, importsOf, layerOf } from '../scripts/check-imports.mjs';

interface Violation {
  file: string;
  line: number;
  target: string;
  message: string;
}
const check = checkImports as (root: string) => Violation[];
const layer = layerOf as (path: string) => { name: string } | undefined;

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A fixture tree with these files under src/. */
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'edgesim-layers-'));
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, 'src', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

function runScript(at: string) {
  return spawnSync(process.execPath, ['scripts/check-imports.mjs', '--root', at], {
    encoding: 'utf8',
  });
}

describe('the import-boundary check', () => {
  it('passes on the tree as it is', () => {
    expect(check('.')).toEqual([]);
  });

  it('fails on an upward import, naming the file, the line and the rule', () => {
    const at = tree({
      'engine/queue.ts':
        "import { x } from './heap.js';\nimport type { Fleet } from '../fleet/fleet.js';\n",
      'engine/heap.ts': 'export const x = 1;\n',
      'fleet/fleet.ts': "import { x } from '../engine/heap.js';\nexport type Fleet = typeof x;\n",
    });
    const violations = check(at);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ file: 'src/engine/queue.ts', line: 2 });
    expect(violations[0]!.message).toContain('engine may import only vocabulary');
    const result = runScript(at);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("src/engine/queue.ts:2 imports '../fleet/fleet.js'");
  });

  it('fails on a copy of src/ once the engine imports the fleet', () => {
    root = mkdtempSync(join(tmpdir(), 'edgesim-layers-'));
    cpSync('src', join(root, 'src'), { recursive: true });
    expect(runScript(root).status).toBe(0);
    appendFileSync(
      join(root, 'src/engine/simulation.ts'),
      "\nexport type { Fleet } from '../fleet/fleet.js';\n",
    );
    const result = runScript(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^src\/engine\/simulation\.ts:\d+ imports '\.\.\/fleet\/fleet\.js': engine may import only vocabulary;/m,
    );
  });

  it('exits 0 when every import points down', () => {
    const at = tree({
      'fleet/fleet.ts': "import { x } from '../engine/heap.js';\nexport const y = x;\n",
      'engine/heap.ts': 'export const x = 1;\n',
    });
    const result = runScript(at);
    expect(result.status).toBe(0);
  });

  it('counts multi-line, re-export and dynamic imports, and skips comments', () => {
    const text = [
      "import {\n  a,\n  b,\n} from '../x.js';", // line 4
      "export { c } from './c.js';", // line 5
      "const d = await import('../d.js');", // line 6
      " * import { e } from '../e.js';", // a comment line
      "// const f = await import('../f.js');",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { target: '../x.js', line: 4 },
      { target: './c.js', line: 5 },
      { target: '../d.js', line: 6 },
    ]);
  });

  it('refuses a workload that imports another workload', () => {
    const at = tree({
      'workloads/a/run.ts': "import { b } from '../b/run.js';\nexport const a = b;\n",
      'workloads/b/run.ts': 'export const b = 1;\n',
    });
    expect(check(at).map((v) => v.message)).toEqual([
      'src/workloads/a/ may not import src/workloads/b/: workloads are independent (share code one layer down)',
    ]);
  });

  it('flags a file in no layer', () => {
    const at = tree({ 'gadgets/thing.ts': 'export const t = 1;\n' });
    expect(check(at)[0]!.message).toContain('src/gadgets/thing.ts is in no layer');
  });

  it('puts the registry above the workloads and the vocabulary lowest', () => {
    expect(layer('workloads/registry.ts')?.name).toBe('run');
    expect(layer('workloads/inference/run.ts')?.name).toBe('workloads');
    expect(layer('vocabulary/cost-card.ts')?.name).toBe('vocabulary');
    expect(layer('index.ts')?.name).toBe('api');
  });
});
