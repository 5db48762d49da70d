import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, type InputProblem } from '../../errors.js';
import { type HardwareProfile, ProfileLibrary } from '../../fleet/profiles.js';
import { withStack } from '../../fleet/stack.js';
import type { CompressScenario } from './scenario.js';
import type { ModelSpec } from './schema.js';

/** A compression scenario with its files located and its hardware profiles read. */
export interface ResolvedCompression {
  scenario: CompressScenario;
  /** The scenario file, for error messages. */
  file: string;
  /** Directory that relative paths in the scenario are read from. */
  baseDir: string;
  /** Profiles to estimate latency and energy on, in the order given (default: all, by name), each running as its entry's stack if it names one. */
  profiles: HardwareProfile[];
}

/**
 * Checks what the schema cannot: that named hardware profiles exist and that
 * the model, student and dataset files are there. Throws one InputError
 * listing every problem.
 */
export function resolveCompression(
  scenario: CompressScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): ResolvedCompression {
  const baseDir = dirname(file);
  const problems: InputProblem[] = [];
  const section = scenario.compress;
  const entries = section.profiles ?? library.names;
  const profiles: HardwareProfile[] = [];
  entries.forEach((entry, i) => {
    const path = `compress.profiles[${i}]`;
    try {
      if (typeof entry === 'string') {
        profiles.push(library.resolve(entry, undefined, { file, path }));
      } else {
        const profile = library.resolve(entry.profile, undefined, {
          file,
          path: `${path}.profile`,
        });
        profiles.push(withStack(profile, entry.stack, { file, path: `${path}.stack` }));
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  });
  const needFile = (relative: string, path: string, what: string) => {
    if (!existsSync(resolve(baseDir, relative)))
      problems.push({ path, message: `${what} not found`, value: relative });
  };
  const checkModel = (model: ModelSpec, path: string) => {
    if ('file' in model) needFile(model.file, `${path}.file`, 'model file');
  };
  checkModel(section.model, 'compress.model');
  if (section.dataset.kind === 'csv')
    needFile(section.dataset.file, 'compress.dataset.file', 'dataset file');
  section.variants.forEach((variant, v) => {
    variant.steps.forEach((step, s) => {
      if (step.kind === 'distill')
        checkModel(step.student, `compress.variants[${v}].steps[${s}].student`);
    });
  });
  const seen = new Set<string>(['baseline']);
  section.variants.forEach((variant, v) => {
    if (seen.has(variant.name))
      problems.push({
        path: `compress.variants[${v}].name`,
        message:
          variant.name === 'baseline'
            ? 'the name "baseline" is reserved for the uncompressed model'
            : 'duplicate variant name',
        value: variant.name,
      });
    seen.add(variant.name);
  });
  if (problems.length > 0) throw new InputError(file, problems);
  return { scenario, file, baseDir, profiles };
}
