import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
} from '../src/report/index.js';
import {
  HOSTILE,
  histogramTable,
  PLACEMENT,
  RATE,
  sweepMeta,
  sweepTable,
} from './fixtures/report/sweep.js';

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
      'latency_p99_s-by-arrival_rate_per_s',
      'latency_p50_s-by-arrival_rate_per_s',
      'throughput_per_s-by-arrival_rate_per_s',
      'slo_violation_rate-by-arrival_rate_per_s',
      'energy_per_inference_j-by-arrival_rate_per_s',
      'energy_devices_j-by-arrival_rate_per_s',
      'total_cost_usd-by-arrival_rate_per_s',
      'bytes_up-by-arrival_rate_per_s',
      'pareto-latency_p99_s-vs-energy_per_inference_j',
      'pareto-latency_p99_s-vs-total_cost_usd',
      'pareto-energy_per_inference_j-vs-total_cost_usd',
      'latency-cdf',
      'breakdown-energy_devices_j',
      'breakdown-total_cost_usd',
    ]);
  });

  it('plots exact means and 95% intervals over replications, one series per strategy', () => {
    const table = sweepTable();
    const values = dataOf(charts[0]!.spec);
    const edge10 = values.find((v) => v.x === 10 && v.series === 'edge')!;
    const rows = table.filter((r) => r[PLACEMENT] === 'edge' && r[RATE] === 10);
    const ci = meanCi(rows.map((r) => r.latency_p99_s as number));
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
    expect(names.filter((n) => n.endsWith('.svg'))).toHaveLength(14);
    for (const name of names) {
      const same = readFileSync(join(second.dir, name)).equals(readFileSync(join(first.dir, name)));
      expect(same, name).toBe(true);
    }
  });
});
