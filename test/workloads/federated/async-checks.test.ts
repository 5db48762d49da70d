/**
 * Bad asynchronous settings, each an error naming its path: sizes against the fleet,
 * selection and strategies the modes cannot run, robust rules' bounds on the buffer, and
 * attacks FedAsync cannot apply.
 */
import { describe, expect, it } from 'vitest';
import { prepareScenario } from '../../../src/run.js';
import { loadScenario } from '../../../src/workloads/scenario.js';
import { pisOnly } from '../../helpers/fl-scenarios.js';
import { expectInputError } from '../../helpers/input-error.js';

describe('bad asynchronous settings name their path', () => {
  const withAsync = (mode: string, block: string) =>
    pisOnly(`  mode: ${mode}\n  async: ${block}\n`);
  it.each([
    ['buffered', '{ bufferSize: 9 }', 'federated.async.bufferSize'],
    ['async', '{ concurrency: 9 }', 'federated.async.concurrency'],
    ['async', '{ concurrency: 0 }', 'federated.async.concurrency'],
    ['async', '{ alpha: 0 }', 'federated.async.alpha'],
    ['async', '{ alpha: 1.5 }', 'federated.async.alpha'],
    ['async', '{ staleness: { kind: polynomial, a: 0 } }', 'federated.async.staleness.a'],
    ['async', '{ staleness: { kind: hinge, a: 10, b: -1 } }', 'federated.async.staleness.b'],
    ['async', '{ staleness: { kind: hinge, a: -1, b: 4 } }', 'federated.async.staleness.a'],
    ['buffered', '{ maxStaleness: -1 }', 'federated.async.maxStaleness'],
  ])('%s %s: %s', (mode, block, path) => {
    const error = expectInputError(() => prepareScenario(withAsync(mode, block)));
    expect(error.problems.map((p) => p.path)).toContain(path);
  });

  it('a selection other than random, or SCAFFOLD, in an asynchronous mode', () => {
    const oort = expectInputError(() =>
      prepareScenario(pisOnly('  mode: async\n  selection: oort\n')),
    );
    expect(oort.problems.map((p) => p.path)).toContain('federated.selection');
    const scaffold = expectInputError(() =>
      prepareScenario(
        pisOnly('  mode: buffered\n', [
          ['strategy: { name: fedavg }', 'strategy: { name: scaffold }'],
        ]),
      ),
    );
    expect(scaffold.problems.map((p) => p.path)).toContain('federated.strategy');
  });

  it('sync mode ignores the async block (a sweep over mode keeps it)', () => {
    expect(() => loadScenario(withAsync('sync', '{ bufferSize: 9 }'))).not.toThrow();
  });
});

describe('robust rules in buffered mode', () => {
  // FedBuff aggregates K = bufferSize arrivals at a time: Krum's bound n > 2f + 2 is on K.
  const krum = (clientsPerRound: number, bufferSize: number) =>
    pisOnly(`  mode: buffered\n  async: { bufferSize: ${bufferSize} }\n`, [
      ['clientsPerRound: 4', `clientsPerRound: ${clientsPerRound}`],
      ['overCommit: 1.5', 'overCommit: 1'],
      ['strategy: { name: fedavg }', 'strategy: { name: fedavg, wrap: [{ name: krum, f: 2 }] }'],
    ]);

  it('rejects Krum f = 2 with K = 3 (3 <= 2f + 2), however many clients per round', () => {
    const error = expectInputError(() => prepareScenario(krum(8, 3)));
    const problem = error.problems.find((p) => p.path === 'federated.strategy.wrap[0].f');
    expect(problem?.message).toContain('buffer size K = 3');
    expect(problem?.message).toContain('needs K >= 7');
  });

  it('accepts Krum f = 2 with K = 8 (8 > 2f + 2), though clientsPerRound is 4', () => {
    expect(() => prepareScenario(krum(4, 8))).not.toThrow();
  });
});

describe('FedAsync and the strategy', () => {
  const asyncWith = (strategy: string) =>
    pisOnly('  mode: async\n', [['strategy: { name: fedavg }', `strategy: ${strategy}`]]);

  it.each([
    ['{ name: fedadam }', 'federated.strategy'],
    ['{ name: fedavgm }', 'federated.strategy'],
    ['{ name: fedavg, wrap: [{ name: median }] }', 'federated.strategy.wrap'],
    [
      '{ name: fedprox, proximalMu: 0.01, wrap: [{ name: clip, clipNorm: 1 }] }',
      'federated.strategy.wrap',
    ],
  ])('rejects %s, which FedAsync would ignore, at %s', (strategy, path) => {
    const error = expectInputError(() => prepareScenario(asyncWith(strategy)));
    const problem = error.problems.find((p) => p.path === path);
    expect(problem?.message).toContain('FedAsync mixes each update');
    expect(problem?.message).toContain('mode: buffered');
  });

  it.each(['{ name: fedavg }', '{ name: fedprox, proximalMu: 0.01 }'])('accepts %s', (strategy) => {
    expect(() => prepareScenario(asyncWith(strategy))).not.toThrow();
  });

  it('rejects the ALIE attack, which needs the other updates of an aggregation; buffered takes it', () => {
    const alie = (mode: string) =>
      pisOnly(`  mode: ${mode}\n  attack: { kind: alie, fraction: 0.25 }\n`, []);
    const error = expectInputError(() => prepareScenario(alie('async')));
    const problem = error.problems.find((p) => p.path === 'federated.attack.kind');
    expect(problem?.message).toContain('FedAsync aggregates each update alone');
    expect(problem?.value).toBe('alie');
    expect(() => prepareScenario(alie('buffered'))).not.toThrow();
  });

  it('buffered mode still takes a server optimiser and a robust rule', () => {
    const file = pisOnly('  mode: buffered\n', [
      ['strategy: { name: fedavg }', 'strategy: { name: fedadam, wrap: [{ name: median }] }'],
    ]);
    expect(() => prepareScenario(file)).not.toThrow();
  });
});
