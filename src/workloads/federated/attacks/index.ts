/**
 * Malicious clients (stub: no attack yet; the attacks land here). A scenario's
 * `federated.attack` marks clients as attackers; the round driver passes the
 * marks to the round's training, which applies the attack.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../engine/random.js';

/** The `federated.attack` block. */
export const attackSpec = z.strictObject({}).describe('Malicious clients and their attack');

export type AttackSpec = z.output<typeof attackSpec>;

/** Which clients are attackers: 1 for an attacker, by client id. */
export type Attackers = Uint8Array;

/** The attackers of a run of `clients` clients (none without an attack). */
export function chooseAttackers(
  spec: AttackSpec | undefined,
  clients: number,
  _streams: RandomStreams,
): Attackers {
  void spec;
  return new Uint8Array(clients);
}
