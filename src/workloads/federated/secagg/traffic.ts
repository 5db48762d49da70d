/**
 * The bytes model of a round: what each client will upload and download in a
 * phase if it completes it, from who is left (sizes in wire.ts). With
 * d1 = |N(u) ∩ U1| (neighbours that advertised keys), d2 = |N(u) ∩ U2|
 * (neighbours that shared keys), d3 = |N(u) ∩ U3| (neighbours that sent
 * masked input), m elements of `bits` bits:
 *
 * | phase          | download         | upload              |
 * |----------------|------------------|---------------------|
 * | advertise-keys | 0                | 64                  |
 * | share-keys     | 68 · d1          | 136 · d1            |
 * | masked-input   | 136 · d2         | ceil(m · bits / 8)  |
 * | unmasking      | 4 · d3           | 52 · (d2 + 1)       |
 *
 * The round measures the bytes of the messages it builds; they equal this.
 */
import type { RoundState } from './state.js';
import type { PhaseTraffic, SecAggPhase } from './types.js';
import {
  ADVERTISE_BYTES,
  ID_BYTES,
  KEY_ENTRY_BYTES,
  maskedInputBytes,
  ROUTED_SHARES_BYTES,
  SHARE_ENTRY_BYTES,
} from './wire.js';

/** A phase's traffic with zeros for everyone. */
export function emptyTraffic(phase: SecAggPhase, clients: number): PhaseTraffic {
  return {
    phase,
    uploadBytes: new Array<number>(clients).fill(0),
    downloadBytes: new Array<number>(clients).fill(0),
  };
}

/**
 * The bytes each client still in the round moves in `phase` if it completes
 * it (0 for the others), given who completed the phases before.
 */
export function plannedTraffic(state: RoundState, phase: SecAggPhase): PhaseTraffic {
  const n = state.ids.length;
  const traffic = emptyTraffic(phase, n);
  const m = state.inputs[0]?.length ?? 0;
  const advertised = (v: number) => state.publicKeys[v] !== undefined;
  for (let u = 0; u < n; u++) {
    if (!state.alive[u]) continue;
    const count = (set: (v: number) => boolean) => state.neighbours[u]!.filter(set).length;
    switch (phase) {
      case 'advertise-keys':
        traffic.uploadBytes[u] = ADVERTISE_BYTES;
        break;
      case 'share-keys':
        traffic.downloadBytes[u] = KEY_ENTRY_BYTES * count(advertised);
        traffic.uploadBytes[u] = ROUTED_SHARES_BYTES * count(advertised);
        break;
      case 'masked-input':
        traffic.downloadBytes[u] = ROUTED_SHARES_BYTES * count((v) => state.shared[v]!);
        traffic.uploadBytes[u] = maskedInputBytes(m, state.bits);
        break;
      case 'unmasking':
        traffic.downloadBytes[u] = ID_BYTES * count((v) => state.masked[v]!);
        traffic.uploadBytes[u] = SHARE_ENTRY_BYTES * (count((v) => state.shared[v]!) + 1);
        break;
    }
  }
  return traffic;
}
