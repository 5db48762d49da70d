/**
 * Who masks with whom and who holds whose shares.
 *
 * SecAgg (Bonawitz et al., CCS 2017) uses the complete graph. SecAgg+ (Bell et
 * al., "Secure Single-Server Aggregation with (Poly)Logarithmic Overhead",
 * CCS 2020) uses a sparse k-regular graph with random labels; as Google's
 * implementation (google/federated-compute, fcp/secagg/server/
 * secret_sharing_harary_graph.h) and Flower's SecAgg+ workflow (adap/flower,
 * framework/py/flwr/server/workflow/secure_aggregation/secaggplus_workflow.py,
 * commit 4856044afce7709dca7c4235be5c9f8801a46c2f) do, this is a Harary graph
 * H(k, n) on a seeded random permutation of the clients: on a circle, each
 * node joins the k/2 nodes on either side, and for odd k (even n) also the
 * node opposite. Every client also holds a share of its own secrets (the
 * "self-edge" of both implementations), so a secret has k + 1 holders.
 */
import type { RandomStream } from '../../../engine/random.js';

/**
 * Neighbour lists by client position (ascending, self excluded). `degree`
 * undefined, or ≥ n − 1, gives the complete graph; otherwise 1 ≤ degree < n − 1
 * and not both degree and n odd (no k-regular graph exists then). `rng`
 * draws the permutation (n − 1 draws) only for a sparse graph.
 */
export function neighbourGraph(
  n: number,
  degree: number | undefined,
  rng: RandomStream,
): number[][] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`clients(=${n}) must be >= 1`);
  if (degree === undefined || degree >= n - 1)
    return Array.from({ length: n }, (_, u) =>
      Array.from({ length: n - 1 }, (_, i) => (i < u ? i : i + 1)),
    );
  if (!Number.isInteger(degree) || degree < 1)
    throw new RangeError(`neighbours(=${degree}) must be an integer >= 1`);
  if (degree % 2 === 1 && n % 2 === 1)
    throw new RangeError(
      `neighbours(=${degree}) must be even with an odd number of clients (${n}): no odd-degree regular graph exists`,
    );
  const order = permutation(n, rng);
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (let p = 0; p < n; p++) {
    const u = order[p]!;
    for (let d = 1; d <= degree >> 1; d++) {
      neighbours[u]!.push(order[(p + d) % n]!, order[(p - d + n) % n]!);
    }
    if (degree % 2 === 1) neighbours[u]!.push(order[(p + n / 2) % n]!);
  }
  return neighbours.map((list) => list.sort((a, b) => a - b));
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates, n − 1 draws). */
function permutation(n: number, rng: RandomStream): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.integer(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
