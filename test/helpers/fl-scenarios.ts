import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The small federated scenario: 8 Raspberry Pis and 4 phones, logistic regression. */
export const small = resolve('test/fixtures/federated/small.yaml');

/** The small scenario with its 4 battery phones removed (8 Raspberry Pis on one access point) and `extra` appended to its federated section. */
export function pisOnly(extra: string, replacements: [string, string][] = []): string {
  let text = readFileSync(small, 'utf8').replace(
    / {2}- name: phones[\s\S]*?initialCharge: 50% }\n/,
    '',
  );
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`small.yaml no longer has "${from}"`);
    text = text.replace(from, to);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-async-')), 'scenario.yaml');
  writeFileSync(file, `${text.trimEnd()}\n${extra}`);
  return file;
}
