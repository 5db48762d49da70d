import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { isGeometric, seriesShift, sweptScale, sweptXEncoding } from '../../src/report/axes.js';
import { type ParameterRole, parameterRoles } from '../../src/report/columns.js';
import { summaryHtml } from '../../src/report/html.js';
import {
  columnLabel,
  compileSpec,
  cumulativeFractions,
  escapeHtml,
  findBreakdowns,
  jsonForScript,
  latencyCdfs,
  meanCi,
  paretoFront,
  type ReportRow,
  renderReportHtml,
  renderSvg,
  reportCharts,
  tQuantile,
  unitOf,
  writeReport,
} from '../../src/report/index.js';
import { parameterLabel } from '../../src/report/labels.js';
import { reportMetrics } from '../../src/report/metrics.js';
import { parseMetricChoice } from '../../src/report/options.js';
import { summaryTable } from '../../src/report/summary.js';
import { autoUnit, parseUnit, quantityOfUnit, toDisplay } from '../../src/report/units.js';
import { readMergedScenario } from '../../src/scenario/load.js';
import { expandSweep } from '../../src/sweep/grammar.js';
import { reportSettings } from '../../src/sweep/report.js';
import { loadScenario } from '../../src/workloads/scenario.js';
import {
  HOSTILE,
  HOSTILE_STRINGS,
  histogramTable,
  PLACEMENT,
  RATE,
  SLO_S,
  sweepMeta,
  sweepTable,
} from '../fixtures/report/sweep.js';

type Values = Record<string, unknown>[];
const dataOf = (spec: object): Values => (spec as { data: { values: Values } }).data.values;

describe('confidence intervals', () => {
  it('gives mean 2, sd 1 and half-width t(0.975,2)/sqrt(3) = 2.484 for [1, 2, 3]', () => {
    const ci = meanCi([1, 2, 3]);
    expect(ci.n).toBe(3);
    expect(ci.mean).toBe(2);
    expect(ci.sd).toBe(1);
    expect(ci.halfWidth).toBeCloseTo(4.303 / Math.sqrt(3), 3);
    expect(ci.low).toBeCloseTo(2 - 2.484, 3);
    expect(ci.high).toBeCloseTo(2 + 2.484, 3);
  });

  it('matches the closed forms of t quantiles for 1 and 2 degrees of freedom', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 10);
    expect(tQuantile(0.975, 2)).toBeCloseTo(0.95 / Math.sqrt(2 * 0.975 * 0.025), 10);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138852, 8);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228138852, 8);
  });

  it('leaves out failed runs (NaN) and has no interval for one value', () => {
    const ci = meanCi([Number.NaN, 5]);
    expect(ci.n).toBe(1);
    expect(ci.mean).toBe(5);
    expect(ci.halfWidth).toBeNaN();
    expect(meanCi([4, 4, 4]).halfWidth).toBe(0);
  });
});

describe('Pareto front', () => {
  it('keeps the non-dominated points of a hand-made set, duplicates included', () => {
    const points = [
      [1, 5],
      [2, 3],
      [3, 4],
      [4, 1],
      [2, 3],
      [5, 5],
      [Number.NaN, 0],
    ];
    expect(paretoFront(points, ['min', 'min'])).toEqual([0, 1, 3, 4]);
  });

  it('maximises the coordinates marked max', () => {
    // (3, 2) is dominated by (2, 3): lower x and higher y.
    expect(
      paretoFront(
        [
          [1, 1],
          [2, 3],
          [3, 2],
        ],
        ['min', 'max'],
      ),
    ).toEqual([0, 1]);
  });
});

describe('latency CDF', () => {
  it('sorts buckets, merges equal bounds and counts the open bucket in the total', () => {
    const cdf = cumulativeFractions([
      { upTo: 0.01, count: 2 },
      { upTo: 0.001, count: 1 },
      { upTo: 0.01, count: 1 },
      { upTo: Number.POSITIVE_INFINITY, count: 4 },
    ]);
    expect(cdf).toEqual([
      { upTo: 0.001, fraction: 0.125 },
      { upTo: 0.01, fraction: 0.5 },
      { upTo: Number.POSITIVE_INFINITY, fraction: 1 },
    ]);
  });

  it('draws one series per varying identifying column, pooling replications', () => {
    const rows = histogramTable(['device', 'edge']);
    const twice = [
      ...rows.map((r) => ({ ...r, replication: 0 })),
      ...rows.map((r) => ({ ...r, replication: 1 })),
    ];
    const cdfs = latencyCdfs(twice, ['replication']);
    expect(cdfs.title).toBe('placement');
    expect(cdfs.series.map((s) => s.label)).toEqual(['device', 'edge']);
    // device counts 1..8 per bucket: 1 + 2 of 36 at or below 2 ms, in both replications alike.
    expect(cdfs.series[0]!.points[1]).toEqual({ upTo: 0.002, fraction: 3 / 36 });
  });

  it('starts each line at 0 at the lower bound of its first non-empty bucket', () => {
    const rows = [
      { placement: 'edge', latency_above_s: 0.01, latency_up_to_s: 0.02, requests: 3 },
      { placement: 'edge', latency_above_s: 0.02, latency_up_to_s: 0.05, requests: 1 },
    ];
    expect(latencyCdfs(rows, []).series[0]!.points).toEqual([
      { upTo: 0.01, fraction: 0 },
      { upTo: 0.02, fraction: 0.75 },
      { upTo: 0.05, fraction: 1 },
    ]);
  });
});

describe('unit labels', () => {
  it.each([
    ['latency_p99_s', 's', 'latency p99 (s)'],
    ['throughput_per_s', '/s', 'throughput (/s)'],
    ['energy_per_inference_j', 'J', 'energy per inference (J)'],
    ['total_cost_usd', 'USD', 'total cost (USD)'],
    ['energy_total_kwh', 'kWh', 'energy total (kWh)'],
    ['slo_violation_rate', 'fraction', 'slo violation rate (fraction)'],
    ['bytes_up', 'bytes', 'bytes up (bytes)'],
    ['compute_j_per_inference', 'J/inference', 'compute (J/inference)'],
    ['cost_per_month_usd', 'USD/month', 'cost (USD/month)'],
    ['cost_per_1000_inferences_usd', 'USD/1000 inferences', 'cost (USD/1000 inferences)'],
    ['rounds', null, 'rounds'],
  ])('%s is in %s', (column, unit, label) => {
    expect(unitOf(column)).toBe(unit);
    expect(columnLabel(column)).toBe(label);
  });
});

describe('breakdowns', () => {
  it('finds totals whose named components add up to them', () => {
    expect(findBreakdowns(sweepTable())).toEqual([
      {
        total: 'energy_devices_j',
        components: ['energy_devices_compute_j', 'energy_devices_radio_j', 'energy_devices_idle_j'],
      },
      { total: 'total_cost_usd', components: ['energy_cost_usd', 'egress_cost_usd'] },
    ]);
  });

  it('rejects components that do not add up to the total', () => {
    const rows = [{ energy_devices_j: 10, energy_devices_compute_j: 3, energy_devices_radio_j: 3 }];
    expect(findBreakdowns(rows)).toEqual([]);
  });
});

describe('chart choice', () => {
  const charts = reportCharts(sweepTable(), sweepMeta(), { histogram: histogramTable() });

  it('charts each curated metric against the numeric parameter, then fronts, CDF and breakdowns', () => {
    expect(charts.map((c) => c.name)).toEqual([
      'latency_p95_s-by-arrival_rate_per_s',
      'latency_p99_s-by-arrival_rate_per_s',
      'latency_p50_s-by-arrival_rate_per_s',
      'throughput_per_s-by-arrival_rate_per_s',
      'slo_violation_rate-by-arrival_rate_per_s',
      'energy_per_inference_j-by-arrival_rate_per_s',
      'energy_devices_j-by-arrival_rate_per_s',
      'total_cost_usd-by-arrival_rate_per_s',
      'bytes_up-by-arrival_rate_per_s',
      'pareto-latency_p95_s-vs-energy_per_inference_j',
      'pareto-latency_p95_s-vs-total_cost_usd',
      'pareto-energy_per_inference_j-vs-total_cost_usd',
      'latency-cdf',
      'breakdown-energy_devices_j',
      'breakdown-total_cost_usd',
    ]);
  });

  it('plots exact means and 95% intervals over replications, in ms, one series per strategy', () => {
    const table = sweepTable();
    const p99 = charts.find((c) => c.name === 'latency_p99_s-by-arrival_rate_per_s')!;
    const values = dataOf(p99.spec);
    const edge10 = values.find((v) => v.x === 10 && v.series === 'edge')!;
    const rows = table.filter((r) => r[PLACEMENT] === 'edge' && r[RATE] === 10);
    // The largest p99 is about 0.25 s, so the chart is in ms: each value / 0.001.
    const ci = meanCi(rows.map((r) => (r.latency_p99_s as number) / 1e-3));
    expect(edge10).toMatchObject({
      n: 3,
      mean: Number(ci.mean.toPrecision(12)),
      low: Number(ci.low.toPrecision(12)),
    });
    expect(values).toHaveLength(16);
  });

  it('marks the non-dominated configurations of a Pareto chart', () => {
    const pareto = charts.find((c) => c.kind === 'pareto')!;
    const values = dataOf(pareto.spec) as { a: number; b: number; front: boolean }[];
    const expected = paretoFront(
      values.map((v) => [v.a, v.b]),
      ['min', 'min'],
    );
    expect(values.flatMap((v, i) => (v.front ? [i] : []))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('draws error bars, not lines, when another numeric parameter varies at each x', () => {
    const sampled = sweepTable().map((row, i) => ({ ...row, 'fleet.devices': i }));
    const meta = { ...sweepMeta(), parameters: [PLACEMENT, RATE, 'fleet.devices'] };
    const chart = reportCharts(sampled, meta)[0]!;
    const spec = chart.spec as { layer: { mark: { type: string } }[] };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['rule', 'point']);
    expect(new Set(dataOf(chart.spec).map((v) => v.series))).toEqual(
      new Set(['device', 'edge', 'cloud', 'adaptive']),
    );
  });

  it('pools numeric parameters in breakdowns of more than 40 configurations', () => {
    const rates = Array.from({ length: 11 }, (_, i) => i + 1);
    const charts = reportCharts(sweepTable({ rates, replications: 1 }), sweepMeta());
    const breakdown = charts.find((c) => c.name === 'breakdown-energy_devices_j')!;
    const bars = new Set(dataOf(breakdown.spec).map((v) => v.configuration));
    expect(bars).toEqual(new Set(['device', 'edge', 'cloud', 'adaptive']));
  });

  it('is driven by column names: a federated table gets accuracy trade-offs', () => {
    const rows: ReportRow[] = ['fedavg', 'fedprox'].flatMap((strategy, s) =>
      [0, 1].map((replication) => ({
        strategy,
        replication,
        accuracy: 0.9 + 0.01 * s + 0.001 * replication,
        time_to_target_s: 100 - 10 * s + replication,
        bytes_to_target: 1e6 * (1 + s) + replication,
      })),
    );
    const fl = reportCharts(rows, {
      title: 'FL',
      parameters: ['strategy'],
      replicationColumn: 'replication',
    });
    expect(fl.map((c) => c.name)).toEqual([
      'accuracy-by-strategy',
      'time_to_target_s-by-strategy',
      'bytes_to_target-by-strategy',
      'pareto-accuracy-vs-time_to_target_s',
      'pareto-accuracy-vs-bytes_to_target',
    ]);
  });

  it('charts only the metrics named in the metadata when given', () => {
    const meta = { ...sweepMeta(), metrics: ['bytes_up'] };
    const names = reportCharts(sweepTable(), meta).map((c) => c.name);
    expect(names.filter((n) => n.includes('-by-'))).toEqual(['bytes_up-by-arrival_rate_per_s']);
  });

  it('reads numbers written as CSV text', () => {
    const text = sweepTable().map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])),
    );
    expect(reportCharts(text, sweepMeta()).map((c) => c.name)).toEqual(
      reportCharts(sweepTable(), sweepMeta()).map((c) => c.name),
    );
  });

  it('names a swept parameter that is missing from the table', () => {
    expect(() =>
      reportCharts(sweepTable(), { ...sweepMeta(), parameters: ['fleet[2].count'] }),
    ).toThrow(/parameter column 'fleet\[2\]\.count' is not in the table/);
  });
});

describe('HTML report', () => {
  const hostileTable = sweepTable({ placements: ['device', HOSTILE], scenario: HOSTILE });
  const meta = sweepMeta(`${HOSTILE} </script><!-- report`);
  const charts = reportCharts(hostileTable, meta);
  const html = renderReportHtml(charts, meta, { runs: hostileTable.length });
  // The page as written by edgesim, without the inlined vega libraries.
  const page = html.replace(/<script>\/\* vega[\s\S]*?<\/script>/g, '');

  it('escapes a hostile name as text', () => {
    expect(escapeHtml(HOSTILE)).toBe('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain(`<h1>${escapeHtml(`${HOSTILE} </script><!-- report`)}</h1>`);
    expect(page.includes('<img')).toBe(false);
    expect(page.includes('<!-- report')).toBe(false);
  });

  it('embeds specs as JSON that cannot end its script element', () => {
    expect(jsonForScript({ name: '</script><!--' })).toBe(
      '{"name":"\\u003c/script\\u003e\\u003c!--"}',
    );
    const embedded = [...html.matchAll(/<script type="application\/json">(.*?)<\/script>/gs)];
    expect(embedded.map((m) => JSON.parse(m[1]!))).toEqual(charts.map((c) => c.spec));
  });

  it('loads nothing from elsewhere: no external scripts, styles, links or images', () => {
    expect(page).not.toMatch(
      /<script[^>]*\ssrc=|<link|<img|<iframe|url\(|@import|https?:\/\/(?!vega\.github\.io\/schema)/i,
    );
    expect(html).toContain("default-src 'none'");
    expect(html.match(/<script>\/\* vega(-lite|-embed)? \*\//g)).toHaveLength(3);
  });
});

describe('rendering', () => {
  it('compiles every chart without warnings and renders each to an SVG', async () => {
    const charts = reportCharts(sweepTable(), sweepMeta(), { histogram: histogramTable() });
    for (const chart of charts) {
      expect(compileSpec(chart.spec).warnings, chart.name).toEqual([]);
      const svg = await renderSvg(chart.spec);
      expect(svg, chart.name).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg, chart.name).toContain('role-mark');
    }
  });

  it('writes the same files with the same bytes for the same input', async () => {
    const write = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'edgesim-report-'));
      const files = await writeReport(dir, sweepTable(), sweepMeta(), {
        histogram: histogramTable(),
      });
      return { dir, files };
    };
    const first = await write();
    const second = await write();
    const names = first.files.map((f) => basename(f));
    expect(second.files.map((f) => basename(f))).toEqual(names);
    expect(readdirSync(first.dir).sort()).toEqual([...names].sort());
    expect(names[0]).toBe('report.html');
    expect(names.filter((n) => n.endsWith('.svg'))).toHaveLength(15);
    for (const name of names) {
      const same = readFileSync(join(second.dir, name)).equals(readFileSync(join(first.dir, name)));
      expect(same, name).toBe(true);
    }
  });
});

describe('display units', () => {
  const quantity = (column: string) => quantityOfUnit(unitOf(column))!;
  const auto = (column: string, values: number[], perPeriod = false) =>
    autoUnit(quantity(column), values, perPeriod).symbol;

  it('chooses the unit from the largest magnitude', () => {
    expect(auto('latency_p95_s', [0.012, 0.043])).toBe('ms');
    expect(auto('latency_p95_s', [0.043, 9.5])).toBe('ms');
    expect(auto('latency_p95_s', [0.043, 31])).toBe('s');
    expect(auto('latency_p95_s', [0.0004])).toBe('µs');
    expect(auto('bytes_up', [8e10, 2e10])).toBe('GB');
    expect(auto('bytes_up', [999_999])).toBe('kB');
    expect(auto('energy_devices_j', [5e6])).toBe('kWh');
    expect(auto('energy_devices_j', [3.5e6])).toBe('kJ');
    expect(auto('energy_per_inference_j', [0.0042])).toBe('mJ');
    expect(auto('energy_total_kwh', [0.00017])).toBe('J');
    expect(auto('slo_violation_rate', [0.05])).toBe('%');
    expect(auto('compute_j_per_inference', [0.02])).toBe('mJ/inference');
    expect(auto('co2_kg', [0.00002])).toBe('g');
  });

  it("keeps the column's own unit when no value is finite and nonzero", () => {
    expect(auto('latency_p95_s', [0, Number.NaN])).toBe('s');
    expect(auto('energy_total_kwh', [])).toBe('kWh');
  });

  it('does not scale a cost the run already normalised per month or per 1,000 inferences', () => {
    expect(autoUnit(quantity('cost_per_month_usd'), [2772], true)).toEqual({
      symbol: '$/month',
      factor: 1,
    });
    expect(auto('cost_per_1000_inferences_usd', [0.8], true)).toBe('$/1000 inferences');
  });

  it('shows cost per month (730 h) when every run has a duration', () => {
    expect(auto('total_cost_usd', [0.01], true)).toBe('$/month');
    expect(auto('total_cost_usd', [0.01], false)).toBe('$');
    const unit = autoUnit(quantity('total_cost_usd'), [], true);
    // $1.5 over one simulated hour is 1.5 x 730 = $1,095 a month.
    expect(toDisplay(1.5, quantity('total_cost_usd'), unit, 3600)).toBeCloseTo(1095, 9);
    expect(toDisplay(1.5, quantity('total_cost_usd'), unit, 0)).toBeNaN();
  });

  it('converts to the unit named, keeping a per-item tail', () => {
    const ms = parseUnit(quantity('latency_p95_s'), 'ms');
    expect(ms.ok && toDisplay(0.25, quantity('latency_p95_s'), ms.unit)).toBe(250);
    const kwh = parseUnit(quantity('energy_devices_j'), 'kWh');
    expect(kwh.ok && toDisplay(7.2e6, quantity('energy_devices_j'), kwh.unit)).toBe(2);
    const mj = parseUnit(quantity('compute_j_per_inference'), 'mJ');
    expect(mj.ok && mj.unit.symbol).toBe('mJ/inference');
    const perDay = parseUnit(quantity('bytes_up'), 'GB/day');
    // 3e9 bytes in 600 s is 3 GB x 144 = 432 GB a day.
    expect(perDay.ok && toDisplay(3e9, quantity('bytes_up'), perDay.unit, 600)).toBeCloseTo(432, 9);
  });

  it('rejects a unit of another dimension, naming the ones that fit', () => {
    const wrong = parseUnit(quantity('bytes_up'), 'ms');
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.message).toMatch(/not a unit of bytes; expected one of B, kB, MB/);
    expect(parseUnit(quantity('latency_p95_s'), 's/month').ok).toBe(false);
    expect(parseUnit(quantity('total_cost_usd'), '$/constructor').ok).toBe(false);
  });
});

describe('swept axes', () => {
  const role = (values: number[]): ParameterRole => ({
    column: 'fleet[0].count',
    label: 'cameras count',
    numeric: true,
    values,
  });

  it('detects geometric values: equal ratios, and the 1-2-5 and 1-3-10 series', () => {
    expect(isGeometric([50, 100, 200, 400])).toBe(true);
    expect(isGeometric([0.1, 0.2, 0.4, 0.8])).toBe(true);
    expect(isGeometric([10, 20, 50, 100, 200])).toBe(true);
    expect(isGeometric([1, 3, 10, 30, 100])).toBe(true);
    expect(isGeometric([1, 2, 3, 4])).toBe(false);
    expect(isGeometric([10, 20])).toBe(false);
    expect(isGeometric([0, 10, 100])).toBe(false);
  });

  it('puts geometric values on a log scale, even ones on a linear scale, others in order', () => {
    expect(sweptScale([50, 100, 200, 400])).toBe('log');
    expect(sweptScale([10, 20, 30])).toBe('linear');
    expect(sweptScale([10, 20])).toBe('linear');
    expect(sweptScale([1, 2, 5, 100])).toBe('ordinal');
    expect(sweptScale(Array.from({ length: 13 }, (_, i) => i * i))).toBe('linear');
  });

  it('ticks the axis at the swept values, titled with the label', () => {
    const x = sweptXEncoding(role([50, 100, 200, 400]));
    expect(x).toMatchObject({
      field: 'xAt',
      type: 'quantitative',
      title: 'cameras count',
      scale: { type: 'log', domain: [50, 400] },
      axis: { values: [50, 100, 200, 400] },
    });
    expect(sweptXEncoding(role([1, 2, 5, 100]))).toMatchObject({
      type: 'ordinal',
      sort: [1, 2, 5, 100],
    });
  });

  it('draws series at one x a few pixels apart, in data units of the scale', () => {
    // 4 values on 480 - 2 x 14 = 452 px; 3 series 5 px apart: -5, 0, +5 px.
    const linear = seriesShift(role([0, 100, 200, 300]), 3);
    expect(linear(100, 0)).toBeCloseTo(100 - (5 * 300) / 452, 12);
    expect(linear(100, 1)).toBe(100);
    const log = seriesShift(role([50, 100, 200, 400]), 2);
    expect(log(100, 1)).toBeCloseTo(100 * Math.exp((2.5 * Math.log(8)) / 452), 12);
    expect(seriesShift(role([1, 2, 5, 100]), 3)(5, 0)).toBe(5);
  });
});

describe('parameter labels', () => {
  const scenario = {
    fleet: [{ name: 'cameras' }, { name: 'phones' }],
    servers: [{ name: 'edge-1' }, { name: 'edge-2' }],
  };

  it("names a group's or server's parameter after the group or server", () => {
    expect(parameterLabel('fleet[0].count', scenario)).toBe('cameras count');
    expect(parameterLabel('fleet[1].arrivals.rate', scenario)).toBe('phones arrivals rate');
    expect(parameterLabel('servers[1].queueCapacity', scenario)).toBe('edge-2 queue capacity');
    expect(parameterLabel('workload.inference.placement', scenario)).toBeNull();
    expect(parameterLabel('fleet[7].count', scenario)).toBeNull();
  });

  it('titles axes, legends and the summary with the labels given', () => {
    const meta = { ...sweepMeta(), labels: { [RATE]: 'cameras arrival rate' } };
    const chart = reportCharts(sweepTable(), meta)[0]!;
    expect(chart.title).toBe('latency p95 vs cameras arrival rate (/s)');
    const roles = parameterRoles(sweepTable(), meta);
    expect(roles.map((r) => r.label)).toEqual(['placement', 'cameras arrival rate (/s)']);
  });
});

describe('SLO rule', () => {
  const meta = { ...sweepMeta(), sloS: [SLO_S] };
  const charts = reportCharts(sweepTable(), meta);
  type Layer = { name?: string; data?: { values: { slo: number; label: string }[] } };
  const sloOf = (name: string) =>
    (charts.find((c) => c.name === name)!.spec as { layer: Layer[] }).layer.find(
      (l) => l.name === 'slo',
    );

  it('is drawn on latency charts at the SLO, in the chart unit', () => {
    expect(sloOf('latency_p95_s-by-arrival_rate_per_s')?.data?.values).toEqual([
      { slo: 50, label: 'SLO 50 ms' },
    ]);
    expect(sloOf('pareto-latency_p95_s-vs-total_cost_usd')?.data?.values[0]?.slo).toBe(50);
  });

  it('is not drawn on other metrics, nor without an SLO', () => {
    expect(sloOf('energy_per_inference_j-by-arrival_rate_per_s')).toBeUndefined();
    const plain = reportCharts(sweepTable(), sweepMeta());
    expect(JSON.stringify(plain.map((c) => c.spec))).not.toContain('"slo"');
  });
});

describe('legends and overlapping series', () => {
  const charts = reportCharts(sweepTable(), sweepMeta());

  it('never gives a coloured layer a mark opacity below 1, so legend swatches are opaque', () => {
    for (const chart of charts) {
      const layers = (chart.spec as { layer?: { mark: { opacity?: number } }[] }).layer ?? [];
      for (const layer of layers) expect(layer.mark.opacity ?? 1, chart.name).toBe(1);
    }
  });

  it('dashes each line series differently', () => {
    const lines = (charts[0]!.spec as { layer: { encoding: { strokeDash?: unknown } }[] }).layer;
    expect(lines[1]!.encoding.strokeDash).toMatchObject({ field: 'series', type: 'nominal' });
  });

  it('renders legend symbols at full opacity', async () => {
    const svg = await renderSvg(charts[0]!.spec);
    // Each legend entry's symbol: the first <path> after its role-legend-symbol group opens.
    const symbols = svg
      .split('role-legend-symbol')
      .slice(1)
      .map((part) => /<path[^>]*>/.exec(part)?.[0] ?? '');
    expect(symbols).toHaveLength(4);
    for (const symbol of symbols) expect(symbol).toMatch(/ opacity="1"/);
  });

  it('names every swept parameter in the Pareto tooltip and labels the front', () => {
    const pareto = charts.find((c) => c.kind === 'pareto')!;
    const layers = (
      pareto.spec as {
        layer: { mark: { type: string }; encoding: { tooltip?: { title: string }[] } }[];
      }
    ).layer;
    expect(layers[0]!.encoding.tooltip!.map((t) => t.title).slice(0, 2)).toEqual([
      'placement',
      'arrival rate (/s)',
    ]);
    expect(layers.some((l) => l.mark.type === 'text')).toBe(true);
    expect(dataOf(pareto.spec)[0]).toMatchObject({ p0: 'device', p1: '5' });
  });
});

describe('summary table', () => {
  // Two configurations; a: p95 of 10, 20 and 30 ms; b: one run of 40 ms.
  const rows: ReportRow[] = [
    { placement: 'a', replication: 0, latency_p95_s: 0.01, total_cost_usd: 1, duration_s: 3600 },
    { placement: 'a', replication: 1, latency_p95_s: 0.02, total_cost_usd: 2, duration_s: 3600 },
    { placement: 'a', replication: 2, latency_p95_s: 0.03, total_cost_usd: 3, duration_s: 3600 },
    { placement: 'b', replication: 0, latency_p95_s: 0.04, total_cost_usd: 4, duration_s: 3600 },
  ];
  const meta = { title: 't', parameters: ['placement'], replicationColumn: 'replication' };
  const metrics = reportMetrics(rows, meta).table;
  const summary = summaryTable(rows, parameterRoles(rows, meta), metrics);

  it('holds the mean and 95% interval of each configuration in the chosen units', () => {
    expect(metrics.map((m) => m.label)).toEqual(['latency p95 (ms)', 'total cost ($/month)']);
    expect(summary.parameters).toEqual(['placement']);
    const [a, b] = summary.rows;
    expect(a!.values).toEqual(['a']);
    expect(a!.runs).toBe(3);
    // 10, 20, 30 ms: mean 20, sd 10, half-width t(0.975, 2) x 10 / sqrt(3) = 4.3027 x 5.7735 = 24.841.
    expect(a!.cells[0]!.mean).toBeCloseTo(20, 9);
    expect(a!.cells[0]!.low).toBeCloseTo(20 - 24.8414, 3);
    expect(a!.cells[0]!.high).toBeCloseTo(20 + 24.8414, 3);
    // $1, $2, $3 per hour: $730, $1,460, $2,190 a month, mean $1,460.
    expect(a!.cells[1]!.mean).toBeCloseTo(1460, 9);
    expect(b!.cells[0]).toMatchObject({ n: 1, mean: 40 });
    expect(b!.cells[0]!.low).toBeNaN();
  });

  it('renders as escaped text with four significant digits', () => {
    const html = summaryHtml(summary);
    expect(html).toContain('<th scope="col">latency p95 (ms)</th>');
    expect(html).toContain('<td class="num">20<br><span class="ci">[-4.841, 44.84]</span></td>');
    expect(html).toContain('<td class="num">1,460<br>');
    expect(html).toContain('<span class="ci">(1 run)</span>');
    const hostile = summaryTable(
      rows.map((r) => ({ ...r, placement: HOSTILE_STRINGS[1] })),
      parameterRoles(rows, meta),
      metrics,
    );
    expect(summaryHtml(hostile)).not.toMatch(/<img|<\/script/);
  });

  it('comes first in report.html', () => {
    const html = renderReportHtml([], meta, { summary });
    expect(html.indexOf('<section id="summary">')).toBeGreaterThan(html.indexOf('<main>'));
    expect(html).toContain('<li><a href="#summary">Summary</a></li>');
  });
});

describe('report options', () => {
  it('reads "column as unit" entries', () => {
    const ms = parseMetricChoice('latency_p95_s as ms');
    expect(ms).toMatchObject({ ok: true, choice: { column: 'latency_p95_s', unit: 'ms' } });
    expect(ms.ok && ms.unit).toEqual({ symbol: 'ms', factor: 1e-3 });
    expect(parseMetricChoice('total_cost_usd as $/month')).toMatchObject({
      ok: true,
      unit: { symbol: '$/month', periodS: 730 * 3600 },
    });
    expect(parseMetricChoice(' rounds ')).toMatchObject({ ok: true, unit: null });
  });

  it('rejects bad syntax, a unit of another dimension and a unit on a unitless column', () => {
    expect(parseMetricChoice('latency p95')).toMatchObject({ ok: false });
    expect(parseMetricChoice('bytes_up as ms')).toMatchObject({ ok: false });
    const unitless = parseMetricChoice('rounds as %');
    expect(!unitless.ok && unitless.message).toMatch(/rounds has no unit in its name/);
  });

  it('charts the metrics named in the units named', () => {
    const meta = { ...sweepMeta(), metrics: ['latency_p95_s as s', 'bytes_up as GB'] };
    const charts = reportCharts(sweepTable(), meta);
    const titleOf = (i: number) =>
      (charts[i]!.spec as { layer: { encoding: { y?: { title: string } } }[] }).layer[1]!.encoding
        .y!.title;
    expect(titleOf(0)).toBe('latency p95 (s)');
    expect(titleOf(1)).toBe('bytes up (GB)');
    const { missing } = reportMetrics(sweepTable(), { ...meta, table: ['nosuch_j as J'] });
    expect(missing).toEqual(['nosuch_j as J']);
  });

  describe('in a scenario file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-report-options-'));
    const base = readFileSync('scenarios/compare-placement.yaml', 'utf8');
    const write = (name: string, report: string) => {
      const file = join(dir, name);
      writeFileSync(file, `${base}\nreport:\n${report}\n`);
      return file;
    };
    const good = write(
      'good.yaml',
      '  metrics: [latency_p95_s as ms, total_cost_usd as $/month]\n  table: [slo_violation_rate as %]',
    );

    it('is accepted by loadScenario and left out of the validated scenario', () => {
      const loaded = loadScenario(good);
      expect((loaded.scenario as { report?: unknown }).report).toBeUndefined();
      const withoutReport = join(dir, 'plain.yaml');
      writeFileSync(withoutReport, base);
      expect(loaded.hash).toBe(loadScenario(withoutReport).hash);
    });

    it('reaches the sweep manifest with the SLO and the group names', () => {
      const plan = expandSweep(readMergedScenario(good), good, 7);
      expect(plan.runs).toHaveLength(12);
      expect(reportSettings(plan)).toEqual({
        metrics: ['latency_p95_s as ms', 'total_cost_usd as $/month'],
        table: ['slo_violation_rate as %'],
        sloS: [0.25],
        labels: { 'fleet[1].count': 'phones count' },
      });
    });

    it('takes slo from the block, or none with false', () => {
      const slo = write('slo.yaml', '  slo: 100 ms');
      expect(reportSettings(expandSweep(readMergedScenario(slo), slo, 7)).sloS).toEqual([0.1]);
      const none = write('none.yaml', '  slo: false');
      expect(reportSettings(expandSweep(readMergedScenario(none), none, 7)).sloS).toEqual([]);
    });

    it('names the entry, the value and the units that fit when a unit is wrong', () => {
      const bad = write('bad.yaml', '  metrics: [latency_p95_s as GB]');
      expect(() => loadScenario(bad)).toThrow(InputError);
      try {
        loadScenario(bad);
      } catch (error) {
        const problem = (error as InputError).problems[0]!;
        expect(problem.path).toBe('report.metrics[0]');
        expect(problem.message).toMatch(
          /unit "GB" is not a unit of time; expected one of µs, ms, s/,
        );
      }
    });
  });
});
