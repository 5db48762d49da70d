/**
 * The `federated.local` block: momentum belongs to the momentum optimizer only, and SCAFFOLD,
 * whose control-variate update assumes plain SGD steps, refuses any other local optimizer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareScenario } from '../../../src/run.js';
import { loadScenario } from '../../../src/workloads/scenario.js';
import { expectInputError } from '../../helpers/input-error.js';

const small = resolve('test/fixtures/federated/small.yaml');
const LOCAL = 'local: { optimizer: sgd, learningRate: 0.05, epochs: 1, batchSize: 16 }';
const STRATEGY = 'strategy: { name: fedavg }';

/** The small scenario with its local block and strategy replaced, in a temporary file. */
function variant(local: string, strategy = STRATEGY): string {
  const text = readFileSync(small, 'utf8');
  if (!(text.includes(LOCAL) && text.includes(STRATEGY)))
    throw new Error(`${small} no longer has the lines "${LOCAL}" and "${STRATEGY}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-local-')), 'scenario.yaml');
  writeFileSync(file, text.replace(LOCAL, local).replace(STRATEGY, strategy));
  return file;
}

/** The validated `federated.local` block of a variant. */
function localOf(local: string): Record<string, unknown> {
  const { scenario } = loadScenario(variant(local));
  return (scenario as unknown as { federated: { local: Record<string, unknown> } }).federated.local;
}

describe('federated.local.momentum', () => {
  it('defaults to 0.9 for optimizer momentum', () => {
    expect(localOf('local: { optimizer: momentum, learningRate: 0.05 }').momentum).toBe(0.9);
  });

  it('keeps the momentum a scenario gives the momentum optimizer', () => {
    expect(localOf('local: { optimizer: momentum, momentum: 0.5 }').momentum).toBe(0.5);
  });

  it('is absent for sgd and adam, which do not use it', () => {
    expect(localOf('local: { optimizer: sgd }')).not.toHaveProperty('momentum');
    expect(localOf('local: { optimizer: adam }')).not.toHaveProperty('momentum');
    expect(localOf('local: { learningRate: 0.1 }')).not.toHaveProperty('momentum');
  });

  it.each([
    ['sgd', 'local: { optimizer: sgd, momentum: 0 }'],
    ['sgd', 'local: { momentum: 0.9 }'],
    ['adam', 'local: { optimizer: adam, momentum: 0.5 }'],
  ])(
    'is an error at its path naming %s when given to an optimizer that ignores it',
    (name, local) => {
      const error = expectInputError(() => loadScenario(variant(local)));
      const problem = error.problems.find((p) => p.path === 'federated.local.momentum');
      expect(problem?.message).toContain(`optimizer ${name} does not use momentum`);
    },
  );

  it('must be below 1 (momentum 1 never forgets a gradient)', () => {
    const error = expectInputError(() =>
      loadScenario(variant('local: { optimizer: momentum, momentum: 1 }')),
    );
    expect(error.problems.map((p) => p.path)).toContain('federated.local.momentum');
  });
});

describe('SCAFFOLD and the local optimizer', () => {
  const scaffold = 'strategy: { name: scaffold }';

  it.each([
    ['momentum', 'local: { optimizer: momentum }'],
    ['adam', 'local: { optimizer: adam, learningRate: 0.01 }'],
  ])('refuses %s at federated.local.optimizer', (name, local) => {
    const error = expectInputError(() => prepareScenario(variant(local, scaffold)));
    const problem = error.problems.find((p) => p.path === 'federated.local.optimizer');
    expect(problem?.message).toContain('scaffold');
    expect(problem?.message).toContain(name);
  });

  it('accepts plain sgd', () => {
    expect(() => prepareScenario(variant('local: { optimizer: sgd }', scaffold))).not.toThrow();
  });

  it('refuses a non-SGD optimizer inside a wrapper too', () => {
    const wrapped = 'strategy: { name: scaffold, wrap: [{ name: clip, clipNorm: 1 }] }';
    const error = expectInputError(() =>
      prepareScenario(variant('local: { optimizer: adam }', wrapped)),
    );
    expect(error.problems.map((p) => p.path)).toContain('federated.local.optimizer');
  });
});
