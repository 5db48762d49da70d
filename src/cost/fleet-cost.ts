/** Prices and intensities, in the scenario's base units. */
export interface CostRates {
  /** USD per kWh. */
  electricity: number;
  /** gCO2 per kWh. */
  carbon: number;
  /** USD per GB (10^9 bytes) leaving the cloud. */
  egress: number;
}

/** What a run's energy and traffic cost. */
export interface FleetCost {
  energyKwh: number;
  energyUsd: number;
  co2Kg: number;
  egressUsd: number;
  totalUsd: number;
}

const JOULES_PER_KWH = 3.6e6;

/** Energy (J) and cloud egress (bytes) priced at the given rates. */
export function fleetCost(
  rates: CostRates,
  usage: { energyJ: number; egressBytes: number },
): FleetCost {
  const energyKwh = usage.energyJ / JOULES_PER_KWH;
  const energyUsd = energyKwh * rates.electricity;
  const egressUsd = (usage.egressBytes / 1e9) * rates.egress;
  return {
    energyKwh,
    energyUsd,
    co2Kg: (energyKwh * rates.carbon) / 1000,
    egressUsd,
    totalUsd: energyUsd + egressUsd,
  };
}
