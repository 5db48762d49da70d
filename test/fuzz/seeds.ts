/**
 * The seed corpus: the shipped scenarios (`scenarios/*.yaml`) and the test
 * fixtures (`test/fixtures/scenarios/*.yaml`), parsed and shrunk so that an
 * unmutated seed validates and runs in well under a second or two.
 *
 * Shrinking happens before any mutation (the oracle never edits a mutant):
 * `duration` becomes 10 s, fleet counts at most 20, federated runs 1 round of
 * at most 2 clients on 1 worker thread, compression 1 training epoch, 1
 * variant of fine-tuning at most 1 epoch, 1 profile. A mutation can still
 * put any value back (a count of 1e12, a duration of 100 years): the point is
 * that such values are refused, not run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';

/** One seed scenario: its file name (mutants that `extends` it find it by this name) and data. */
export interface Seed {
  name: string;
  data: Record<string, unknown>;
}

const SEED_DIRS = ['scenarios', 'test/fixtures/scenarios'];

/** Seeds from the project at `root`, sorted by name so a fuzz seed picks the same one everywhere. */
export function loadSeeds(root: string): Seed[] {
  const seeds = SEED_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(root, dir, f)),
  ).map((file) => ({ name: basename(file), data: shrink(parse(readFileSync(file, 'utf8'))) }));
  return seeds.sort((a, b) => a.name.localeCompare(b.name));
}

/** A scenario's data as YAML text (long strings kept on one line, repeated objects written out). */
export function toYaml(data: unknown): string {
  return stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const capped = (value: unknown, max: number) =>
  typeof value === 'number' ? Math.min(value, max) : value;

/** The shrunk copy of a parsed scenario (see the file header). */
export function shrink(data: unknown): Mapping {
  if (!isMapping(data)) throw new Error('a seed scenario must be a mapping');
  const out: Mapping = structuredClone(data);
  if ('duration' in out) out.duration = '10 s';
  if (Array.isArray(out.fleet)) {
    for (const group of out.fleet) if (isMapping(group)) group.count = capped(group.count, 20);
  }
  if (isMapping(out.federated)) shrinkFederated(out.federated);
  if (isMapping(out.compress)) shrinkCompress(out.compress);
  return out;
}

function shrinkFederated(fl: Mapping): void {
  fl.rounds = capped(fl.rounds, 1);
  fl.clientsPerRound = capped(fl.clientsPerRound, 2);
  if ('workers' in fl) fl.workers = 1;
  if ('samplesPerClient' in fl) fl.samplesPerClient = capped(fl.samplesPerClient, 20);
}

function shrinkCompress(cp: Mapping): void {
  if (isMapping(cp.train)) cp.train.epochs = 1;
  if (Array.isArray(cp.profiles)) cp.profiles = cp.profiles.slice(0, 1);
  if (!Array.isArray(cp.variants)) return;
  cp.variants = cp.variants.slice(0, 1);
  for (const variant of cp.variants as unknown[]) {
    if (!isMapping(variant) || !Array.isArray(variant.steps)) continue;
    for (const step of variant.steps) {
      if (!isMapping(step)) continue;
      for (const key of ['epochs', 'fineTuneEpochs']) if (key in step) step[key] = 1;
    }
  }
}
