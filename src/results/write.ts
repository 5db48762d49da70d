import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tableToCsv } from './csv.js';
import type { Table } from './table.js';

/**
 * Writes `tables` as `<name>.csv` plus `manifest.json` into `outDir`,
 * atomically: everything is written into a temporary sibling directory that
 * then replaces `outDir`, so a crash never leaves half a result behind.
 * Returns the SHA-256 of each CSV, by file name.
 */
export function writeResults(
  outDir: string,
  tables: Readonly<Record<string, Table>>,
  manifest: (csvHashes: Record<string, string>) => object,
  files: Readonly<Record<string, string | Uint8Array>> = {},
): Record<string, string> {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  // Random only to avoid clashing with a concurrent writer; never part of a result.
  const temp = join(parent, `.edgesim-tmp-${basename(outDir)}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp);
  try {
    const hashes: Record<string, string> = {};
    for (const [name, table] of Object.entries(tables)) {
      const csv = tableToCsv(table);
      writeFileSync(join(temp, `${name}.csv`), csv);
      hashes[`${name}.csv`] = createHash('sha256').update(csv).digest('hex');
    }
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(temp, name)), { recursive: true });
      writeFileSync(join(temp, name), content);
      hashes[name] = createHash('sha256').update(content).digest('hex');
    }
    writeFileSync(join(temp, 'manifest.json'), `${JSON.stringify(manifest(hashes), null, 2)}\n`);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(temp, outDir);
    return hashes;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}
