/**
 * Malicious clients. A scenario's `federated.attack` marks clients as
 * attackers, a fraction of all clients or the devices of named fleet groups,
 * and gives their attack. The round driver chooses them once per run
 * ({@link chooseAttackers}) and hands them to each round's training, which
 * sets label flipping on their training jobs ({@link attackTraining}) and
 * replaces their updates before aggregation ({@link attackUpdates}).
 *
 * Attackers are drawn from a stream of their own (`attackers`), so runs of
 * one seed have the same attackers whatever the strategy or defence.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../engine/random.js';
import type { InputProblem } from '../../../errors.js';
import type { FleetGroup } from '../../../fleet/fleet.js';
import type { ClientUpdate } from '../strategies/strategy.js';
import { alieUpdates, alieZ } from './alie.js';
import { gaussianUpdate } from './gaussian.js';
import { boostUpdate } from './model-replacement.js';
import { signFlip } from './sign-flip.js';

/** Who attacks: a fraction of all clients, or every device of the named groups (exactly one). */
const who = {
  fraction: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .describe('Fraction of all clients that attack, in [0, 1): round(fraction x clients) of them'),
  groups: z
    .array(z.string())
    .min(1)
    .optional()
    .describe('Fleet groups (by name) whose every device attacks'),
};

const nonNegative = (what: string) => z.number().min(0).describe(what);

/** The `federated.attack` block: who attacks and how, told apart by `kind`. */
export const attackSpec = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('sign-flip'),
      ...who,
      scale: nonNegative('Sends -scale x its update (w - w_global); 1 is the plain flip').default(
        1,
      ),
    }),
    z.strictObject({
      kind: z.literal('gaussian'),
      ...who,
      sigma: nonNegative('Standard deviation of the noise per coordinate'),
      mode: z
        .enum(['replace', 'add'])
        .default('replace')
        .describe('replace: sends w_global + noise; add: sends w + noise'),
    }),
    z.strictObject({ kind: z.literal('label-flip'), ...who }),
    z.strictObject({
      kind: z.literal('scaling'),
      ...who,
      boost: nonNegative('Sends boost x its update (model replacement)'),
    }),
    z.strictObject({
      kind: z.literal('alie'),
      ...who,
      z: nonNegative("Shift in standard deviations (default: the paper's z_max)").optional(),
    }),
  ])
  .superRefine((spec, ctx) => {
    if ((spec.fraction === undefined) === (spec.groups === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['fraction'],
        message: 'give exactly one of fraction (of all clients) and groups (fleet group names)',
      });
  })
  .describe('Malicious clients and their attack: sign-flip, gaussian, label-flip, scaling or alie');

export type AttackSpec = z.output<typeof attackSpec>;

/** A run's attackers: who they are and their attack. */
export interface Attackers {
  readonly attack: AttackSpec;
  /** 1 for an attacker, by client id. */
  readonly marks: Uint8Array;
  /** How many clients are marked. */
  readonly count: number;
  /** The run's streams: Gaussian noise draws from `attack-noise`, keyed by round and client. */
  readonly streams: RandomStreams;
}

/**
 * The attackers of a run: none (undefined) without an attack. With
 * `fraction`, exactly round(fraction × clients) clients (nearest, half up),
 * drawn without replacement by a partial Fisher-Yates shuffle of the client
 * ids on the stream `attackers`, so the same seed gives the same attackers
 * whatever else the scenario changes; with `groups`, every device of those
 * groups (clients are devices, numbered group by group as in `groups`).
 * Throws a RangeError for a group not in `groups` (see {@link attackProblems}
 * for the check with the path).
 */
export function chooseAttackers(
  spec: AttackSpec | undefined,
  clients: number,
  streams: RandomStreams,
  groups: readonly FleetGroup[] = [],
): Attackers | undefined {
  if (spec === undefined) return undefined;
  const marks = new Uint8Array(clients);
  if (spec.groups !== undefined) {
    for (const name of spec.groups) {
      const group = groups.find((g) => g.spec.name === name);
      if (group === undefined) throw new RangeError(`unknown fleet group "${name}"`);
      marks.fill(1, group.first, Math.min(clients, group.first + group.spec.count));
    }
  } else {
    const k = Math.round((spec.fraction ?? 0) * clients);
    const ids = Int32Array.from({ length: clients }, (_, i) => i);
    const rng = streams.stream('attackers');
    for (let i = 0; i < k; i++) {
      const j = i + rng.integer(clients - i);
      const chosen = ids[j]!;
      ids[j] = ids[i]!;
      ids[i] = chosen;
      marks[chosen] = 1;
    }
  }
  return { attack: spec, marks, count: marks.reduce((a, b) => a + b, 0), streams };
}

/** Problems of an attack that the schema cannot see: groups the fleet does not have (path `federated.attack.groups[i]`). */
export function attackProblems(
  spec: AttackSpec | undefined,
  groups: readonly Pick<FleetGroup, 'spec'>[],
): InputProblem[] {
  const names = groups.map((g) => g.spec.name);
  return (spec?.groups ?? []).flatMap((name, i) =>
    names.includes(name)
      ? []
      : [
          {
            path: `federated.attack.groups[${i}]`,
            message: `no fleet group has this name; the groups are ${names.join(', ')}`,
            value: name,
          },
        ],
  );
}

/** Whether `client` is an attacker. */
export function isAttacker(attackers: Attackers | undefined, client: number): boolean {
  return attackers !== undefined && attackers.marks[client] === 1;
}

/** What an attacker's training job adds: label flipping for `label-flip` (see label-flip.ts). */
export function attackTraining(
  attackers: Attackers | undefined,
  client: number,
): { flipLabels?: true } {
  return isAttacker(attackers, client) && attackers!.attack.kind === 'label-flip'
    ? { flipLabels: true }
    : {};
}

/**
 * The updates the server receives from `updates` (trained from `global`):
 * each attacker's weights replaced per its attack, the others' the same
 * objects. `key` tells rounds apart for the noise (the round in synchronous
 * training; any number unique per server step elsewhere). ALIE's statistics
 * are over the benign updates of the list (the attackers' honest ones when
 * all are attackers), with n = the list's length and m = its attackers for
 * z_max unless the attack gives `z`. Inputs are not modified.
 */
export function attackUpdates(
  attackers: Attackers | undefined,
  global: Float32Array,
  updates: readonly ClientUpdate[],
  key: number,
): ClientUpdate[] {
  return attackTrainedFrom(
    attackers,
    updates.map((update) => ({ base: global, update })),
    key,
  );
}

/**
 * {@link attackUpdates} for updates trained from different global models
 * (a FedBuff buffer): each is attacked against its own base, and ALIE's
 * statistics are over the benign deltas w_k − base_k of the whole list.
 */
export function attackTrainedFrom(
  attackers: Attackers | undefined,
  items: readonly { base: Float32Array; update: ClientUpdate }[],
  key: number,
): ClientUpdate[] {
  const updates = items.map((i) => i.update);
  const marked = items.filter((i) => isAttacker(attackers, i.update.clientId));
  if (attackers === undefined || marked.length === 0) return updates;
  const attack = attackers.attack;
  if (attack.kind === 'alie') {
    const benign = items.filter((i) => !isAttacker(attackers, i.update.clientId));
    const z = attack.z ?? alieZ(items.length, marked.length);
    const models = alieUpdates(
      (benign.length > 0 ? benign : marked).map((i) => ({
        base: i.base,
        weights: i.update.weights,
      })),
      marked.map((i) => i.base),
      z,
    );
    let next = 0;
    return updates.map((u) =>
      isAttacker(attackers, u.clientId) ? { ...u, weights: models[next++]! } : u,
    );
  }
  return items.map(({ base, update }) => {
    if (!isAttacker(attackers, update.clientId)) return update;
    const weights = attackedWeights(attackers, base, update, key);
    return weights === update.weights ? update : { ...update, weights };
  });
}

/** An attacker's weights under a per-client attack (ALIE, which needs the whole list, aside). */
function attackedWeights(
  attackers: Attackers,
  global: Float32Array,
  update: ClientUpdate,
  key: number,
): Float32Array {
  const attack = attackers.attack;
  switch (attack.kind) {
    case 'sign-flip':
      return signFlip(global, update.weights, attack.scale);
    case 'scaling':
      return boostUpdate(global, update.weights, attack.boost);
    case 'gaussian': {
      const rng = attackers.streams.stream('attack-noise', `${key}/${update.clientId}`);
      return gaussianUpdate(global, update.weights, attack.sigma, attack.mode, rng);
    }
    default:
      return update.weights;
  }
}
