import { describe, expect, it } from 'vitest';
import { onePi, records, runFile, scenarioFile } from './rollout-harness.js';

// One Pi 4 on an 8 Mbit/s Ethernet cell (no loss, no round trip, no radio promotion)
// downloads MobileNetV2 int8, 3,487,816 B = 27,902,528 bits, from time 0, then installs it
// in 3,487,816 / 20e6 = 0.1743908 s (its storage writes 20 MB/s). A request at 1 s goes to
// an edge server (no RTT) and gets a 600 kB = 4.8e6-bit response over the same downlink.
const UPDATE_BITS = 27_902_528;
const INSTALL_S = 3_487_816 / 20e6;
const RESPONSE_BITS = 4.8e6;
const C = 8e6;

function run(cellCap: string) {
  const input = onePi(
    { kind: 'trace', file: 'arrivals.csv' },
    { to: { precision: 'int8' }, sampleEvery: '10 s', cellCap },
    { servers: [{ name: 'edge', profile: 'edge-server-t4', rtt: 0 }] },
  );
  input.workload.inference = {
    ...input.workload.inference,
    placement: 'edge',
    output: '600 kB',
  } as never;
  const tables = runFile(scenarioFile(input, { 'arrivals.csv': '1.0\n16.0\n' }));
  return { requests: records(tables.requests!), wave: records(tables.rollout!)[0]! };
}

describe('cellCap inside an inference run: update downloads are a capped class', () => {
  it('a binding cap holds the update to K and gives the request download the rest', () => {
    // K = 2 Mbit/s. Alone, the update gets min(C, K) = 2e6 bit/s; with the response in the
    // cell, 1 x 8e6 / 2 = 4e6 > K, so the update keeps 2e6 and the response gets
    // 8e6 - 2e6 = 6e6: 4.8e6 / 6e6 = 0.8 s (not 1.2 s, the equal share). The update runs at
    // 2e6 throughout: 27,902,528 / 2e6 = 13.951264 s, then the install.
    const { requests, wave } = run('2 Mbps');
    expect(requests[0]!.download_s).toBeCloseTo(RESPONSE_BITS / (C - 2e6), 9);
    expect(wave.end_s).toBeCloseTo(UPDATE_BITS / 2e6 + INSTALL_S, 9);
    // At 16 s the update is over: the response has the whole link, 4.8e6 / 8e6 = 0.6 s.
    expect(requests[1]!.download_s).toBeCloseTo(RESPONSE_BITS / C, 9);
  });

  it('a cap that does not bind shares the link equally with requests', () => {
    // K = 6 Mbit/s. Alone, the update gets min(C, K) = 6e6; with the response,
    // 1 x 8e6 / 2 = 4e6 <= K, so each gets 4e6: the response takes 4.8e6 / 4e6 = 1.2 s.
    // Meanwhile the update moves 4.8e6 bits, 0.8 s' worth at 6e6, so it ends
    // 1.2 - 0.8 = 0.4 s later than alone: 27,902,528 / 6e6 + 0.4, then the install.
    const { requests, wave } = run('6 Mbps');
    expect(requests[0]!.download_s).toBeCloseTo(RESPONSE_BITS / 4e6, 9);
    expect(wave.end_s).toBeCloseTo(UPDATE_BITS / 6e6 + 0.4 + INSTALL_S, 9);
    expect(requests[1]!.download_s).toBeCloseTo(RESPONSE_BITS / C, 9);
  });
});
