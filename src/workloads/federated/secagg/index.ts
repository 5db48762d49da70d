/**
 * Secure aggregation (Bonawitz et al., CCS 2017, semi-honest; SecAgg+ of Bell
 * et al., CCS 2020): fixed-point encoding, the protocol's phases with their
 * bytes and work, and the primitives underneath.
 */
export {
  assertRingBits,
  dequantiseMean,
  dequantiseSum,
  type FixedPointOptions,
  MAX_RING_BITS,
  quantise,
  ringBitsNeeded,
  ringBitsProblem,
} from './fixed-point.js';
export { neighbourGraph } from './graph.js';
export { applyMasks, deriveSeed, expandBytes, type MaskStream, SEED_BYTES } from './prg.js';
export { type PhaseOutcome, runSecAgg, SecAggRound } from './round.js';
export {
  combineShares,
  FIELD_PRIME,
  lagrangeAtZero,
  SHARE_BYTES,
  shareRandomBytes,
  splitSecret,
} from './shamir.js';
export {
  type ClientWork,
  type MessageRecord,
  type PhaseTraffic,
  SECAGG_PHASES,
  type SecAggClient,
  type SecAggConfig,
  type SecAggFailure,
  type SecAggPhase,
  type SecAggReport,
  type SecAggResult,
  type SecAggSuccess,
  type ServerWork,
} from './types.js';
export { secAggProblems, shareHolders } from './validate.js';
export {
  ADVERTISE_BYTES,
  KEY_ENTRY_BYTES,
  maskedInputBytes,
  packWords,
  ROUTED_SHARES_BYTES,
  SEALED_BYTES,
  SHARE_ENTRY_BYTES,
} from './wire.js';
export { agree, x25519KeyPair, x25519PublicKey } from './x25519.js';
