/**
 * Upper bounds of scenario values, so that the schema rejects absurd input
 * before anything is allocated or simulated. Each is far above what the model
 * is meant for; whether a run within them fits in time and memory is judged
 * after validation by the run-size estimate (src/run-budget.ts).
 */

/** Devices in one group and in a whole fleet: the struct-of-arrays fleet was built for 1,000,000; ten times that is the documented cap. */
export const MAX_DEVICES = 10_000_000;

/** Simulated time: ten 365-day years, longer than the hardware lifetimes the profiles describe. */
export const MAX_DURATION_S = 10 * 8760 * 3600;

/** Mean time between failures: 1,000 years (vendor MTBFs reach ~2 million hours, 228 years). */
export const MAX_MTBF_S = 1000 * 8760 * 3600;

/** Requests per second from one device: a million, beyond any camera or sensor. */
export const MAX_RATE_PER_S = 1e6;

/** Shortest interval between periodic requests: 1 us, so that a periodic rate stays within MAX_RATE_PER_S. */
export const MIN_INTERVAL_S = 1e-6;

/** Groups in a fleet: each is resolved against its hardware profile and reported on its own row. */
export const MAX_GROUPS = 1000;

/** Servers in a scenario: each builds a roofline table of maxBatch entries and its own queue. */
export const MAX_SERVERS = 1000;

/** Workers of one server: each holds a batch of up to maxBatch requests. */
export const MAX_SERVER_WORKERS = 1024;

/** Largest batch: the roofline is evaluated for every size 1..maxBatch of every server. */
export const MAX_BATCH = 1024;

/** Requests waiting at a server or on a device; larger is "unlimited" in practice. */
export const MAX_QUEUE = 1e9;

/** Named cells with overrides. */
export const MAX_CELLS = 100_000;

/** States of a Markov-modulated arrival process, visited in a cycle. */
export const MAX_MMPP_STATES = 64;

/** Bit rates: 10 Tbit/s, above any link a device or server has. */
export const MAX_BITRATE_BPS = 1e13;

/** Bytes of one request or response: 1 TB. */
export const MAX_MESSAGE_BYTES = 1e12;

/** Federated rounds: a million, orders of magnitude beyond published FL experiments (thousands). */
export const MAX_ROUNDS = 1_000_000;

/** Training threads of a federated run: each holds its own TF.js runtime and data set copy. */
export const MAX_TRAINING_WORKERS = 64;

/** Epochs of local or central training. */
export const MAX_EPOCHS = 10_000;

/** Training batch size. */
export const MAX_BATCH_SIZE = 1_000_000;

/** Devices of the Synthetic(alpha, beta) generator: each draws ~exp(6) samples on average (lognormal(4, 2)). */
export const MAX_SYNTHETIC_DEVICES = 1000;

/** Samples a client trains on in the cost-only tier (only their FLOPs are counted). */
export const MAX_SAMPLES_PER_CLIENT = 1e9;

/** Compression variants, and steps in one: each variant trains and measures a model copy. */
export const MAX_VARIANTS = 1000;
export const MAX_STEPS = 100;

/** Names (scenario, groups, servers, cells) and free text. */
export const MAX_NAME_LENGTH = 200;
export const MAX_TEXT_LENGTH = 10_000;
