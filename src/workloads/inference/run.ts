import { FifoServer } from '../../engine/fifo-server.js';
import { ProcessorSharing } from '../../engine/processor-sharing.js';
import { type RandomStream, RandomStreams } from '../../engine/random.js';
import { Simulation } from '../../engine/simulation.js';
import { percentile, singleRowTable, type Table } from '../../results/table.js';
import { toDistribution } from '../../scenario/distribution-spec.js';
import type { ValidatedScenario } from '../../scenario/schema.js';

/** The tables of one run, keyed by file stem (`summary` -> summary.csv). */
export interface RunTables {
  summary: Table;
  requests: Table;
}

type Outcome = 'completed' | 'dropped';

interface RequestRecord {
  id: number;
  group: string;
  device: string;
  arrivalS: number;
  uploadS: number;
  queueS: number;
  serviceS: number;
  downloadS: number;
  latencyS: number;
  outcome: Outcome;
  reason: string;
}

interface Link {
  uplink: ProcessorSharing;
  downlink: ProcessorSharing;
  latencyS: number;
}

/**
 * Runs a scenario's inference workload: each device sends requests (its own
 * arrival stream) through its network's shared uplink to the server, which
 * queues them first come first served; responses return over the shared
 * downlink. Arrivals stop at `duration`; requests in flight then finish.
 *
 * A pure function of (scenario, seed): every draw comes from a stream keyed
 * by (seed, purpose, device), so a device's k-th request has the same arrival
 * gap and service time whatever else changes.
 */
export function runInference(scenario: ValidatedScenario, seed: number): RunTables {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const inference = scenario.workload.inference;
  const serverSpec = scenario.servers[inference.server]!;
  const server = new FifoServer(sim, serverSpec.workers, {
    queueCapacity: serverSpec.queueCapacity,
  });
  const serviceTime = toDistribution(serverSpec.serviceTime);
  const links = new Map<string, Link>();
  for (const [name, spec] of Object.entries(scenario.networks)) {
    links.set(name, {
      uplink: new ProcessorSharing(sim, spec.uplink),
      downlink: new ProcessorSharing(sim, spec.downlink),
      latencyS: spec.latency,
    });
  }

  const records: RequestRecord[] = [];
  let nextId = 0;
  const uploadBits = inference.requestSize * 8;
  const downloadBits = inference.responseSize * 8;

  const sendRequest = (group: string, device: string, link: Link, services: RandomStream): void => {
    const record: RequestRecord = {
      id: nextId++,
      group,
      device,
      arrivalS: sim.now,
      uploadS: 0,
      queueS: 0,
      serviceS: serviceTime.sample(services),
      downloadS: 0,
      latencyS: Number.NaN,
      outcome: 'completed',
      reason: '',
    };
    records.push(record);
    link.uplink.start(uploadBits, () => {
      record.uploadS = sim.now - record.arrivalS;
      sim.schedule(link.latencyS, () => {
        const accepted = server.serve(record.serviceS, (waitS) => {
          record.queueS = waitS;
          const leftServerS = sim.now;
          sim.schedule(link.latencyS, () =>
            link.downlink.start(downloadBits, () => {
              record.downloadS = sim.now - leftServerS - link.latencyS;
              record.latencyS = sim.now - record.arrivalS;
            }),
          );
        });
        if (!accepted) {
          record.outcome = 'dropped';
          record.reason = 'queue-full';
          record.serviceS = 0;
        }
      });
    });
  };

  for (const group of scenario.fleet) {
    const link = links.get(group.network)!;
    for (let i = 0; i < group.count; i++) {
      const device = `${group.name}-${i}`;
      const services = streams.stream('service', device);
      startArrivals(
        sim,
        streams.stream('arrivals', device),
        group.arrivals.rate,
        scenario.duration,
        () => sendRequest(group.name, device, link, services),
      );
    }
  }
  sim.run();

  const utilisation = server.utilisation();
  return {
    requests: requestsTable(records),
    summary: summaryTable(scenario, seed, records, utilisation, sim.now),
  };
}

/** Schedules Poisson arrivals at `ratePerS` on [0, durationS), calling `onArrival` for each. */
function startArrivals(
  sim: Simulation,
  rng: RandomStream,
  ratePerS: number,
  durationS: number,
  onArrival: () => void,
): void {
  const meanGapS = 1 / ratePerS;
  const arrive = (): void => {
    onArrival();
    const gapS = rng.exponential(meanGapS);
    if (sim.now + gapS < durationS) sim.schedule(gapS, arrive);
  };
  const firstS = rng.exponential(meanGapS);
  if (firstS < durationS) sim.schedule(firstS, arrive);
}

function requestsTable(records: RequestRecord[]): Table {
  return {
    columns: [
      'request_id',
      'group',
      'device',
      'arrival_s',
      'upload_s',
      'queue_s',
      'service_s',
      'download_s',
      'latency_s',
      'outcome',
      'reason',
    ],
    rows: records.map((r) => [
      r.id,
      r.group,
      r.device,
      r.arrivalS,
      r.uploadS,
      r.queueS,
      r.serviceS,
      r.downloadS,
      r.outcome === 'completed' ? r.latencyS : null,
      r.outcome,
      r.reason,
    ]),
  };
}

function summaryTable(
  scenario: ValidatedScenario,
  seed: number,
  records: RequestRecord[],
  serverUtilisation: number,
  endS: number,
): Table {
  const completed = records.filter((r) => r.outcome === 'completed');
  const latencies = Float64Array.from(completed, (r) => r.latencyS).sort();
  const slo = scenario.workload.inference.slo;
  const violations = completed.filter((r) => r.latencyS > slo).length;
  const meanLatency = latencies.reduce((sum, x) => sum + x, 0) / latencies.length;
  return singleRowTable({
    scenario: scenario.name,
    seed,
    duration_s: scenario.duration,
    end_s: endS,
    devices: scenario.fleet.reduce((sum, g) => sum + g.count, 0),
    requests: records.length,
    completed: completed.length,
    dropped: records.length - completed.length,
    throughput_per_s: completed.length / scenario.duration,
    latency_mean_s: meanLatency,
    latency_p50_s: percentile(latencies, 50),
    latency_p95_s: percentile(latencies, 95),
    latency_p99_s: percentile(latencies, 99),
    slo_s: slo,
    slo_violation_rate: completed.length > 0 ? violations / completed.length : Number.NaN,
    server_utilisation: serverUtilisation,
    bytes_up: records.length * scenario.workload.inference.requestSize,
    bytes_down: completed.length * scenario.workload.inference.responseSize,
  });
}
