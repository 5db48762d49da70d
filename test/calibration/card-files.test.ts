/**
 * A measurement row may name its model by a cost card file beside the CSV
 * (a model the zoo lacks), in a profile folder of the user's own.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fidelity } from '../../src/calibration/index.js';
import { resNet18 } from '../../src/ml/cost/index.js';

const HEADER = 'profile,model,framework,precision,batch,metric,value,set,source,note';

const folders: string[] = [];

/** A folder with `my-board` (the Pi 5 under another name) and these measurement rows. */
function board(rows: string[], files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-card-files-'));
  folders.push(dir);
  const profile = JSON.parse(readFileSync('hardware-profiles/raspberry-pi-5.json', 'utf8'));
  profile.name = 'my-board';
  writeFileSync(join(dir, 'my-board.json'), JSON.stringify(profile));
  mkdirSync(join(dir, 'measurements'));
  writeFileSync(join(dir, 'measurements', 'my-board.csv'), [HEADER, ...rows, ''].join('\n'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'measurements', name)), { recursive: true });
    writeFileSync(join(dir, 'measurements', name), text);
  }
  return dir;
}

const row = (model: string) => `my-board,${model},ncnn,int8,1,latency_ms,10,validation,a test,`;

describe('a measurement of a model given as a card file', () => {
  const saved = process.env.EDGESIM_PROFILES;
  afterEach(() => {
    if (saved === undefined) delete process.env.EDGESIM_PROFILES;
    else process.env.EDGESIM_PROFILES = saved;
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is predicted from the card, as the zoo model of the same layers is', () => {
    // The file holds ResNet-18's layers, under a name the zoo does not have.
    const card = JSON.stringify({ ...resNet18(), name: 'my-net' });
    process.env.EDGESIM_PROFILES = board(
      [row('mobilenet-v2'), row('resnet-18'), row('nets/mine.yaml')],
      { 'nets/mine.yaml': card },
    );
    const [other, zoo, file] = fidelity(['my-board']).rows;
    expect(file?.model).toBe('nets/mine.yaml');
    expect(file?.predicted).toBeGreaterThan(0);
    expect(file?.predicted).toBe(zoo?.predicted);
    expect(file?.predicted).not.toBe(other?.predicted);
  });

  it('is an input error naming the line when the file is missing', () => {
    const dir = board([row('mobilenet-v2'), row('missing.json')]);
    process.env.EDGESIM_PROFILES = dir;
    expect(() => fidelity(['my-board'])).toThrow(
      /line 3: model: "missing\.json": expected a cost card file \(no such file: .*missing\.json\)/,
    );
  });

  it('is an input error naming the file when the card is malformed', () => {
    process.env.EDGESIM_PROFILES = board([row('bad.json')], { 'bad.json': '{"layers": 3}' });
    expect(() => fidelity(['my-board'])).toThrow(/bad\.json: layers: expected array \(got 3\)/);
  });
});
