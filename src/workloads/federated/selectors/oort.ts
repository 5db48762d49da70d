/**
 * A deadline-aware utility selector in the spirit of Oort: Lai, Zhu,
 * Madhyastha, Chowdhury, "Oort: Efficient Federated Learning via Guided
 * Participant Selection", OSDI 2021, §4. Oort's utility of client i is its
 * statistical utility |B_i|·sqrt(mean of its samples' squared losses) times,
 * when its expected duration t_i exceeds the preferred round duration T, the
 * system penalty (T / t_i)^α. Here the statistical utility is samples × the
 * client's last mean training loss, T is the round's deadline, α = 2, and a
 * fixed share of the picks explores clients never seen.
 */
import { type Selector, type SelectorInputs, sample } from './selector.js';

/** Share of the picks that explore clients never seen (Oort's exploration factor ε, fixed here). */
const EXPLORE_FRACTION = 0.1;

/**
 * Explores max(count − seen, ceil(0.1 × count)) unseen clients (never
 * trained: loss NaN), at most all unseen, drawn at random; fills the rest
 * with the seen clients of highest utility (ties to the lower id). Utility =
 * samples × last loss (1 in place of a loss that is not finite) × (deadline /
 * expected time)^2 if the expected time exceeds the deadline. Returns the
 * explored clients in draw order, then the exploited by utility, highest first.
 */
export function oortSelector(inputs: SelectorInputs): Selector {
  const { streams, lastLoss, samples, expectedS, deadlineS } = inputs;
  const utility = (c: number) => {
    const statistical = samples[c]! * (Number.isFinite(lastLoss[c]!) ? lastLoss[c]! : 1);
    const t = expectedS(c);
    const system = deadlineS !== undefined && t > deadlineS ? (deadlineS / t) ** 2 : 1;
    return statistical * system;
  };
  return (round, online, count) => {
    const unseen = online.filter((c) => Number.isNaN(lastLoss[c]!));
    const seen = online.filter((c) => !Number.isNaN(lastLoss[c]!));
    const explore = Math.min(
      unseen.length,
      Math.max(count - seen.length, Math.ceil(EXPLORE_FRACTION * count)),
    );
    const explored = sample(unseen, explore, streams, round);
    const exploited = [...seen]
      .map((c) => ({ c, u: utility(c) }))
      .sort((a, b) => b.u - a.u || a.c - b.c)
      .slice(0, count - explored.length)
      .map((x) => x.c);
    return Int32Array.from([...explored, ...exploited]);
  };
}
