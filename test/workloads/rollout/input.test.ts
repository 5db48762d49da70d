import { describe, expect, it } from 'vitest';
import { prepareScenario } from '../../../src/run.js';
import { expectInputError } from '../../helpers/input-error.js';
import { model, scenarioFile } from './helpers.js';

const fleet = [
  { name: 'cams', profile: 'raspberry-pi-4', count: 5, network: { technology: 'wifi5' } },
];
const versions = { from: { file: model('base') }, to: { file: model('finetuned-head') } };

// Custom checks (waves) quote the bad value in the message; others also give it as `value`.
function problemsOf(rollout: Record<string, unknown>) {
  const file = scenarioFile({ duration: '1 h', fleet, rollout: { ...versions, ...rollout } });
  const error = expectInputError(() => prepareScenario(file));
  expect(error.file).toBe(file);
  expect(error.message).toContain(file);
  return error.problems;
}

describe('rollout input is refused with the file, field, value and what was expected', () => {
  it('waves that do not increase', () => {
    const [problem] = problemsOf({ waves: ['10%', '50%', '30%', '100%'] });
    expect(problem!.path).toBe('rollout.waves[2]');
    expect(problem!.message).toMatch(/waves must increase: 30% follows 50%/);
  });

  it('waves that do not end at 100%', () => {
    const [problem] = problemsOf({ waves: ['10%', '50%'] });
    expect(problem!.path).toBe('rollout.waves[1]');
    expect(problem!.message).toMatch(/last wave must be 100% of the fleet, not 50%/);
  });

  it('a malformed window time', () => {
    const [problem] = problemsOf({ windows: [{ from: '25:00', to: '05:00' }] });
    expect(problem!.path).toBe('rollout.windows[0].from');
    expect(problem!.value).toBe('25:00');
    expect(problem!.message).toMatch(/expected a time of day "HH:MM" from 00:00 to 24:00/);
  });

  it('a delta between models of different architectures, naming both', () => {
    const [problem] = problemsOf({ update: 'delta', to: { file: model('other-arch') } });
    expect(problem!.path).toBe('rollout.to.file');
    expect(problem!.value).toBe(model('other-arch'));
    expect(problem!.message).toContain(`"${model('base')}"`);
    expect(problem!.message).toContain(`"${model('other-arch')}"`);
    expect(problem!.message).toMatch(/\[784, 32\] vs \[784, 16\]/);
  });

  it('a delta from a cost card', () => {
    const [problem] = problemsOf({ update: 'delta', from: { card: 'mobilenet-v2' } });
    expect(problem!.path).toBe('rollout.update');
    expect(problem!.message).toMatch(/needs two \.edgm model files; rollout.from is a cost card/);
  });

  it('a cell cap on LoRaWAN, whose duty-cycled downlink sends one transfer at a time', () => {
    const file = scenarioFile({
      duration: '1 h',
      fleet: [
        { name: 'meters', profile: 'esp32-s3', count: 5, network: { technology: 'lorawan' } },
      ],
      rollout: { ...versions, cellCap: '1 kbps' },
    });
    const [problem] = expectInputError(() => prepareScenario(file)).problems;
    expect(problem!.path).toBe('fleet[0].network.technology');
    expect(problem!.message).toMatch(/rollout\.cellCap: lorawan's duty-cycled downlink/);
  });
});
