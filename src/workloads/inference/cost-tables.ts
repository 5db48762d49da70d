import {
  type CostBreakdown,
  fleetCostBreakdown,
  MONTH_S,
  type PricedGroup,
} from '../../cost/fleet-cost.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Table, TableValue } from '../../results/table.js';
import type { ModelDownloads } from './model-download.js';
import type { RequestLog } from './request-log.js';
import type { ResolvedInference } from './resolve.js';

/*
 * What an inference run costs: the summary's cost columns and costs.csv, from
 * the cost model (cost/fleet-cost.ts). Every amount is over the simulated
 * period (0 to the end of the run), per 730-hour month (x MONTH_S / period) and
 * per 1,000 inferences (the monthly amount over the inferences completed per
 * month, counted over the measured window, after any warm-up).
 */

/** The period and the traffic the per-month and per-1,000 figures are normalised by. */
export interface CostWindow {
  /** End of the run: the period every cost covers, s. */
  endS: number;
  /** Of which measured (after the warm-up), s. */
  measuredS: number;
  /** Requests completed in the measured window. */
  completed: number;
}

/** A run's cost, priced once, for the summary and costs.csv. */
export interface InferenceCost {
  breakdown: CostBreakdown;
  /** Bytes devices moved over their cells (requests and model downloads). */
  cellBytes: number;
  perMonth(usd: number): number;
  per1000(usd: number): number;
}

/** Prices the run: servers listed (idle or not), device groups, cell data and cloud egress. */
export function priceRun(
  resolved: ResolvedInference,
  fleet: Fleet,
  log: RequestLog,
  downloads: ModelDownloads | undefined,
  serverEnergyJ: readonly number[],
  window: CostWindow,
): InferenceCost {
  const { cost } = resolved.scenario;
  const groupEnergyJ = new Float64Array(resolved.groups.length);
  for (let d = 0; d < fleet.count; d++) {
    groupEnergyJ[fleet.groupOf[d]!]! +=
      fleet.energy.computeJ[d]! + fleet.radioEnergyJ(d) + fleet.energy.idleJ[d]!;
  }
  const groups: PricedGroup[] = resolved.groups.map((group, g) => ({
    name: group.spec.name,
    devices: group.spec.count,
    priceUsd: group.profile.priceUsd,
    energyJ: groupEnergyJ[g]!,
    cellBytes: log.groupCellBytes[g]! + (downloads?.groupBytes[g] ?? 0),
    dataUsdPerGB: cost.data[group.spec.network.technology] ?? 0,
  }));
  const breakdown = fleetCostBreakdown(
    {
      ...cost,
      amortisationS: cost.amortisation,
      hostPowerW: cost.hostPower,
    },
    {
      periodS: window.endS,
      servers: resolved.servers.map((r, s) => ({
        tier: r.tier,
        units: r.spec.workers,
        priceUsd: r.profile.priceUsd,
        rentalUsdPerHour: r.profile.rentalUsdPerHour,
        energyJ: serverEnergyJ[s]!,
      })),
      groups,
      egressBytes: resolved.servers.reduce(
        (sum, r, s) => sum + (r.tier === 'cloud' ? log.serverBytesOut[s]! : 0),
        0,
      ),
    },
  );
  const perMonth = (usd: number) => (window.endS > 0 ? (usd * MONTH_S) / window.endS : Number.NaN);
  const inferencesPerMonth =
    window.measuredS > 0 ? (window.completed * MONTH_S) / window.measuredS : 0;
  return {
    breakdown,
    cellBytes: groups.reduce((sum, g) => sum + g.cellBytes, 0),
    perMonth,
    per1000: (usd) =>
      inferencesPerMonth > 0 ? (1000 * perMonth(usd)) / inferencesPerMonth : Number.NaN,
  };
}

/** The summary's cost columns (energy_total_kwh, the energy itself, is the caller's). */
export function costMetrics(cost: InferenceCost): Record<string, TableValue> {
  const { byComponent, totalUsd } = cost.breakdown;
  const capex = byComponent.capex;
  return {
    energy_cost_usd: byComponent.energy,
    host_energy_cost_usd: byComponent.host_energy,
    co2_kg: cost.breakdown.co2Kg,
    capex_usd: capex,
    capex_per_month_usd: cost.perMonth(capex),
    cloud_rental_usd: byComponent.rental,
    data_bytes: cost.cellBytes,
    data_cost_usd: byComponent.data,
    egress_cost_usd: byComponent.egress,
    total_cost_usd: totalUsd,
    cost_per_month_usd: cost.perMonth(totalUsd),
    cost_per_1000_inferences_usd: cost.per1000(totalUsd),
  };
}

/** costs.csv: a row per component, tier and (for devices) group, over the period, per month and per 1,000 inferences. */
export function costsTable(cost: InferenceCost, window: CostWindow): Table {
  return {
    columns: [
      'component',
      'tier',
      'group',
      'period_s',
      'period_usd',
      'per_month_usd',
      'per_1000_inferences_usd',
    ],
    rows: cost.breakdown.lines.map((line) => [
      line.component,
      line.tier,
      line.group ?? null,
      window.endS,
      line.usd,
      cost.perMonth(line.usd),
      cost.per1000(line.usd),
    ]),
  };
}
