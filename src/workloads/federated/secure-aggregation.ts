/**
 * Secure aggregation in a scenario: `federated.secureAggregation` runs each
 * synchronous round's aggregation through the protocol of Bonawitz et al.
 * (CCS 2017; SecAgg+ with `neighbours`, Bell et al., CCS 2020), whose real
 * cryptography is secagg/. What the scenario sets, what it cannot be
 * combined with, and what its messages and masking cost a client.
 *
 * The defaults are Flower's SecAgg+ workflow's (adap/flower,
 * framework/py/flwr/server/workflow/secure_aggregation/secaggplus_workflow.py
 * at 4856044a: clipping_range 8.0, quantization_range 2^22, modulus_range
 * 2^32), and a threshold of a majority of each secret's holders.
 */
import { z } from 'zod';
import type { InputProblem } from '../../errors.js';
import { secureAggregationSupport } from './codecs/registry.js';
import { sparseCount } from './codecs/sparse.js';
import type { FederatedSection } from './schema.js';
import { ringBitsProblem } from './secagg/fixed-point.js';
import { secAggProblems, shareHolders } from './secagg/validate.js';

/** The `federated.secureAggregation` block. */
export const secureAggregationSpec = z
  .strictObject({
    threshold: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        't: shares that recover a secret; a round whose survivors fall below it fails (default: a majority of holders)',
      ),
    neighbours: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("SecAgg+: each client's neighbours k on a Harary graph (default: all, SecAgg)"),
    bits: z.number().int().min(1).max(32).default(32).describe('The ring Z_2^bits of masked sums'),
    levels: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1)
      .default(2 ** 22)
      .describe('Fixed-point levels L: [-clipRange, clipRange] maps onto 0..L'),
    clipRange: z
      .number()
      .positive()
      .default(8)
      .describe('Each coordinate of an update (w - w_global) is clipped to [-R, R]'),
  })
  .describe('Secure aggregation of each round (Bonawitz et al. 2017; SecAgg+ with neighbours)');

export type SecureAggregationSpec = z.output<typeof secureAggregationSpec>;

/** A round's secure-aggregation settings, resolved for K clients. */
export interface SecureAggregation extends SecureAggregationSpec {
  readonly threshold: number;
  /** Elements each client masks and sends: the model's parameters, or random-k's k. */
  readonly elements: (parameters: number) => number;
}

/** Wrappers that need each client's update, which secure aggregation hides from the server. */
const NEEDS_EACH_UPDATE = [
  'clip',
  'median',
  'trimmed-mean',
  'krum',
  'multi-krum',
  'bulyan',
  'dp-central',
  'dp-adaptive',
];

/** The settings for `clientsPerRound` participants, with the threshold defaulted. */
export function secureAggregation(
  spec: SecureAggregationSpec,
  section: FederatedSection,
): SecureAggregation {
  const holders = shareHolders(section.clientsPerRound, spec.neighbours);
  const compress = section.strategy.wrap?.find((w) => w.name === 'compress');
  const ratio = compress?.codec === 'random-k' ? (compress.ratio ?? 1) : undefined;
  return {
    ...spec,
    threshold: spec.threshold ?? Math.floor(holders / 2) + 1,
    elements: (parameters) => (ratio === undefined ? parameters : sparseCount(ratio, parameters)),
  };
}

/**
 * What the schema cannot check: the threshold and graph against the clients
 * per round, bits enough for their sum, levels within the ring, synchronous
 * rounds, and a strategy that needs only the sum of the updates.
 */
export function secureAggregationProblems(section: FederatedSection): InputProblem[] {
  const spec = section.secureAggregation;
  if (spec === undefined) return [];
  const path = 'federated.secureAggregation';
  const k = section.clientsPerRound;
  const settings = secureAggregation(spec, section);
  const problems: InputProblem[] = secAggProblems(settings, k).map((p) => ({
    ...p,
    path: `${path}.${p.path}`,
    message: `${p.message} (clientsPerRound ${k})`,
  }));
  if (spec.levels > 2 ** spec.bits - 1)
    problems.push({
      path: `${path}.levels`,
      message: `must be below 2^bits = ${2 ** spec.bits}`,
      value: spec.levels,
    });
  else {
    const overflow = ringBitsProblem(k, spec.levels, spec.bits, `${path}.bits`);
    if (overflow !== undefined) problems.push(overflow);
  }
  if (section.mode !== undefined && section.mode !== 'sync')
    problems.push({
      path,
      message: `runs on synchronous rounds; mode ${section.mode} aggregates updates as they arrive`,
    });
  if (section.strategy.name === 'scaffold')
    problems.push({
      path: 'federated.strategy',
      message:
        'scaffold sends control variates the server needs one by one; secure aggregation shows it only sums',
      value: 'scaffold',
    });
  (section.strategy.wrap ?? []).forEach((wrapper, i) => {
    if (NEEDS_EACH_UPDATE.includes(wrapper.name))
      problems.push({
        path: `federated.strategy.wrap[${i}].name`,
        message: `${wrapper.name} needs each client's update, and secure aggregation shows the server only their sum (dp-local noises each update on its client and composes)`,
        value: wrapper.name,
      });
    if (wrapper.name === 'compress' && wrapper.codec !== undefined) {
      const support = secureAggregationSupport(wrapper.codec);
      if (!support.composes)
        problems.push({
          path: `federated.strategy.wrap[${i}].codec`,
          message: support.reason,
          value: wrapper.codec,
        });
      else if (wrapper.codec !== 'random-k')
        problems.push({
          path: `federated.strategy.wrap[${i}].codec`,
          message: `secure aggregation quantises each update itself into ${spec.bits}-bit ring elements: set federated.secureAggregation.bits and levels instead of codec ${wrapper.codec}`,
          value: wrapper.codec,
        });
    }
  });
  return problems;
}
