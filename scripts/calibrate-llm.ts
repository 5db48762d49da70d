// Fits each profile's LLM prefill and decode efficiencies to the `fit` rows of
// hardware-profiles/measurements/llm.csv (efficiency = measured / roofline with
// efficiency 1, median over the rows) and checks the shipped profiles against the
// `validate` rows (docs/fidelity-llm.md).
// Usage: npx tsx scripts/calibrate-llm.ts          (prints the document)
//        npx tsx scripts/calibrate-llm.ts --write  (writes docs/fidelity-llm.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { llmTiming } from '../src/fleet/llm-timing.js';
import { type HardwareProfile, ProfileLibrary } from '../src/fleet/profiles.js';
import { type LlmPrecision, llmCardByName } from '../src/ml/cost/llm/index.js';

interface Row {
  profile: string;
  model: string;
  precision: LlmPrecision;
  promptTokens: number;
  contextTokens: number;
  metric: 'decode_tok_s' | 'prefill_tok_s';
  value: number;
  framework: string;
  set: 'fit' | 'validate';
  source: string;
}

const CSV = 'hardware-profiles/measurements/llm.csv';
const DOC = 'docs/fidelity-llm.md';

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted && c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

function readRows(): Row[] {
  const [header, ...body] = parseCsv(readFileSync(CSV, 'utf8'));
  const at = (cells: string[], name: string): string => cells[header?.indexOf(name) ?? -1] ?? '';
  return body.map((c) => ({
    profile: at(c, 'profile'),
    model: at(c, 'model'),
    precision: at(c, 'precision') as LlmPrecision,
    promptTokens: Number(at(c, 'prompt_tokens')),
    contextTokens: Number(at(c, 'context_tokens')),
    metric: at(c, 'metric') as Row['metric'],
    value: Number(at(c, 'value')),
    framework: at(c, 'framework'),
    set: at(c, 'set') as Row['set'],
    source: at(c, 'source'),
  }));
}

/** Tokens per second the shipped profile predicts for the row's setting. */
function predict(profile: HardwareProfile, row: Row): number {
  const card = llmCardByName(row.model);
  if (card === undefined) throw new Error(`${CSV}: no card named ${row.model}`);
  const timing = llmTiming(profile, card, row.precision);
  return row.metric === 'decode_tok_s'
    ? 1 / timing.decodeS(row.contextTokens)
    : row.promptTokens / timing.prefillS(row.promptTokens);
}

/** The same profile with both efficiencies 1: the roofline. */
function roofline(profile: HardwareProfile): HardwareProfile {
  const llm = profile.llm ?? { framework: 'none', prefillEfficiency: 1, decodeEfficiency: 1 };
  return { ...profile, llm: { ...llm, prefillEfficiency: 1, decodeEfficiency: 1 } };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const fmt = (v: number, digits = 3): string => Number(v.toPrecision(digits)).toString();
const pct = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;

function main(): void {
  const library = new ProfileLibrary();
  const rows = readRows();
  const fits = new Map<string, { decode: number[]; prefill: number[] }>();
  const fitLines: string[] = [];
  for (const row of rows.filter((r) => r.set === 'fit')) {
    const profile = library.resolve(row.profile);
    const efficiency = row.value / predict(roofline(profile), row);
    const entry = fits.get(row.profile) ?? { decode: [], prefill: [] };
    (row.metric === 'decode_tok_s' ? entry.decode : entry.prefill).push(efficiency);
    fits.set(row.profile, entry);
    fitLines.push(
      `| ${row.profile} | ${row.model} ${row.precision} | ${row.metric} | ${row.value} | ${fmt(efficiency)} | ${row.source} |`,
    );
  }
  const summary: string[] = [];
  for (const name of library.names) {
    const profile = library.resolve(name);
    const fit = fits.get(name);
    if (profile.llm === undefined) {
      summary.push(`| ${name} | (no llm block: no model fits) | | | |`);
      continue;
    }
    const cell = (fitted: number[], shipped: number): string =>
      fitted.length > 0
        ? `${fmt(median(fitted))} (fit, ${fitted.length} row${fitted.length > 1 ? 's' : ''})${Math.abs(median(fitted) / shipped - 1) > 0.005 ? ` — profile has ${shipped}!` : ''}`
        : `${shipped} (E)`;
    summary.push(
      `| ${name} | ${profile.llm.framework} | ${fmt((profile.llm.bandwidthBps ?? profile.memoryBandwidthBps) / 1e9)} GB/s | ${cell(fit?.prefill ?? [], profile.llm.prefillEfficiency)} | ${cell(fit?.decode ?? [], profile.llm.decodeEfficiency)} |`,
    );
  }
  const validation: string[] = [];
  const decodeErrors: number[] = [];
  for (const row of rows.filter((r) => r.set === 'validate')) {
    const predicted = predict(library.resolve(row.profile), row);
    const error = predicted / row.value - 1;
    if (row.metric === 'decode_tok_s') decodeErrors.push(Math.abs(error));
    const fitted = fits.has(row.profile) ? 'fitted' : 'estimate (no fit rows)';
    validation.push(
      `| ${row.profile} | ${row.model} ${row.precision} | ${row.metric} | ${fmt(predicted)} | ${row.value} | ${pct(error)} | ${fitted} | ${row.source} |`,
    );
  }
  const within = decodeErrors.filter((e) => e <= 0.25).length;
  const doc = `# LLM timing fidelity

Generated by \`npx tsx scripts/calibrate-llm.ts --write\` from
\`hardware-profiles/measurements/llm.csv\` (sources in \`SOURCES-llm.md\`) and the
shipped profiles. Model: \`src/fleet/llm-timing.ts\` (a per-iteration roofline: decode
reads the weights and KV cache at the profile's LLM bandwidth x decodeEfficiency;
prefill computes at the achievable int8 or fp16 rate x prefillEfficiency).

## Fitted efficiencies

Efficiency = measured / roofline (both efficiencies 1) on each \`fit\` row; a profile's
value is the median over its rows. "E" = no fit row: the profile's value is an
estimate (see its \`llm\` block's note).

| Profile | Framework | LLM bandwidth | prefillEfficiency | decodeEfficiency |
|---|---|---|---|---|
${summary.join('\n')}

Fit rows:

| Profile | Model | Metric | Measured tok/s | Efficiency | Source |
|---|---|---|---|---|---|
${fitLines.join('\n')}

## Validation (held-out rows)

Predicted by the shipped profiles; error = predicted / measured - 1.

| Profile | Model | Metric | Predicted tok/s | Measured tok/s | Error | Efficiencies | Source |
|---|---|---|---|---|---|---|---|
${validation.join('\n')}

Decode: ${within} of ${decodeErrors.length} held-out rows within 25%; median absolute error ${pct(median(decodeErrors))}.
`;
  if (process.argv.includes('--write')) writeFileSync(DOC, doc);
  else process.stdout.write(doc);
}

main();
