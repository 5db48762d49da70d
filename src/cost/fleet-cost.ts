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

/** The month costs are normalised to: 730 h, the `month` unit of scenarios and reports. */
export { MONTH_S } from '../vocabulary/periods.js';

/** What a deployment pays for, in costs.csv's order. */
export const COST_COMPONENTS = [
  'capex',
  'rental',
  'energy',
  'host_energy',
  'data',
  'egress',
] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

/** The prices {@link fleetCostBreakdown} applies beyond {@link CostRates}. */
export interface OwnershipRates extends CostRates {
  /** Lifetime a purchase price is spread over, s. */
  amortisationS: number;
  /** Whether devices' purchase prices are charged. */
  includeDevices: boolean;
  /** Host power around each owned server, W. */
  hostPowerW: number;
  /** Facility energy per IT energy of owned servers (>= 1). */
  pue: number;
}

/** A listed server as the cost model sees it. */
export interface PricedServer {
  tier: string;
  /** Accelerators it holds (its workers), each priced like one unit of its profile. */
  units: number;
  /** Purchase price of one unit, USD. */
  priceUsd: number;
  /** Rental of one unit, USD/h; a cloud-tier server with one is rented, not bought. */
  rentalUsdPerHour: number | undefined;
  /** Its accelerators' energy over the period, J. */
  energyJ: number;
}

/** A device group as the cost model sees it. */
export interface PricedGroup {
  name: string;
  devices: number;
  /** Purchase price of one device, USD. */
  priceUsd: number;
  /** The group's energy over the period, J. */
  energyJ: number;
  /** Bytes its devices moved over their cells (both ways). */
  cellBytes: number;
  /** Price of those bytes, USD per GB (10^9 bytes). */
  dataUsdPerGB: number;
}

/** One amount of costs.csv: a component, for a tier and (devices only) a group. */
export interface CostLine {
  component: CostComponent;
  tier: string;
  /** The device group; undefined for servers and egress. */
  group: string | undefined;
  /** Over the period, USD. */
  usd: number;
}

/** A run's cost by component, over the simulated period. */
export interface CostBreakdown {
  lines: CostLine[];
  /** Sum of the lines by component, USD. */
  byComponent: Record<CostComponent, number>;
  totalUsd: number;
  /** Host and facility (PUE) overhead of owned servers, J. */
  hostEnergyJ: number;
  /** Carbon of every joule modelled (devices, accelerators, host overhead), kg. */
  co2Kg: number;
}

/**
 * What a deployment costs over `periodS` seconds: each owned server's and
 * (with `includeDevices`) device's purchase price spread over the
 * amortisation, cloud-tier servers with a rental price by the hour instead
 * (their energy and host are in the rental), energy at the electricity price,
 * host overhead of owned servers (`hostPowerW` per server all period, then
 * the PUE over accelerators and host), cellular data per group and cloud
 * egress. A server listed but idle costs all of this but its active power.
 */
export function fleetCostBreakdown(
  rates: OwnershipRates,
  usage: {
    periodS: number;
    servers: readonly PricedServer[];
    groups: readonly PricedGroup[];
    egressBytes: number;
  },
): CostBreakdown {
  const { periodS } = usage;
  const lines = new Map<string, CostLine>();
  const add = (component: CostComponent, tier: string, group: string | undefined, usd: number) => {
    const key = `${component}\u0000${tier}\u0000${group ?? ''}`;
    const line = lines.get(key);
    if (line === undefined) lines.set(key, { component, tier, group, usd });
    else line.usd += usd;
  };
  const kwhUsd = (j: number) => (j / JOULES_PER_KWH) * rates.electricity;
  const amortised = (usd: number) => (usd * periodS) / rates.amortisationS;
  let energyJ = 0;
  let hostEnergyJ = 0;
  for (const s of usage.servers) {
    energyJ += s.energyJ;
    const rented = s.tier === 'cloud' && s.rentalUsdPerHour !== undefined;
    const hostJ = rented ? 0 : rates.hostPowerW * periodS;
    const overheadJ = rented ? 0 : hostJ + (rates.pue - 1) * (s.energyJ + hostJ);
    hostEnergyJ += overheadJ;
    add('capex', s.tier, undefined, rented ? 0 : amortised(s.units * s.priceUsd));
    add('rental', s.tier, undefined, rented ? (s.units * s.rentalUsdPerHour! * periodS) / 3600 : 0);
    add('energy', s.tier, undefined, rented ? 0 : kwhUsd(s.energyJ));
    add('host_energy', s.tier, undefined, kwhUsd(overheadJ));
  }
  for (const g of usage.groups) {
    energyJ += g.energyJ;
    add('capex', 'device', g.name, rates.includeDevices ? amortised(g.devices * g.priceUsd) : 0);
    add('energy', 'device', g.name, kwhUsd(g.energyJ));
    add('data', 'device', g.name, (g.cellBytes / 1e9) * g.dataUsdPerGB);
  }
  add('egress', 'cloud', undefined, (usage.egressBytes / 1e9) * rates.egress);
  const ordered = [...lines.values()].sort(
    (a, b) => COST_COMPONENTS.indexOf(a.component) - COST_COMPONENTS.indexOf(b.component),
  );
  const byComponent = Object.fromEntries(COST_COMPONENTS.map((c) => [c, 0])) as Record<
    CostComponent,
    number
  >;
  for (const line of ordered) byComponent[line.component] += line.usd;
  return {
    lines: ordered,
    byComponent,
    totalUsd: ordered.reduce((total, line) => total + line.usd, 0),
    hostEnergyJ,
    co2Kg: (((energyJ + hostEnergyJ) / JOULES_PER_KWH) * rates.carbon) / 1000,
  };
}
