// Fits each profile's LLM serving figures to the `fit` rows of
// hardware-profiles/measurements/llm.csv and checks the shipped profiles against
// the `validate` rows (docs/fidelity-llm.md). Decode: time = r / e + t0, r the
// roofline time at efficiency 1; e and the per-iteration overhead t0 by least
// squares where a profile's decode fit rows hold >= 2 model sizes, else t0 = 0 and
// e = median(measured / roofline). Prefill: median of roofline / (time - t0) over a
// prompt's one pass.
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

/** The same profile with both efficiencies 1 and no overhead: the roofline. */
function roofline(profile: HardwareProfile): HardwareProfile {
  const llm = profile.llm ?? { framework: 'none', prefillEfficiency: 1, decodeEfficiency: 1 };
  return {
    ...profile,
    llm: { ...llm, prefillEfficiency: 1, decodeEfficiency: 1, decodeOverheadS: 0 },
  };
}

/** A profile's fitted decode figures: efficiency e, overhead t0 (s), and how. */
interface DecodeFit {
  efficiency: number;
  overheadS: number;
  rows: number;
  sizes: number;
}

/**
 * Least squares of t = a x r + t0 over the rows (a = 1 / e): exact through two
 * rows. With one model size t0 is not identified: t0 = 0, e = median(r / t).
 * A negative t0 (no fixed cost visible) also falls back to t0 = 0.
 */
function fitDecode(points: { model: string; rS: number; tS: number }[]): DecodeFit {
  const sizes = new Set(points.map((p) => p.model)).size;
  const oneSize = (): DecodeFit => ({
    efficiency: median(points.map((p) => p.rS / p.tS)),
    overheadS: 0,
    rows: points.length,
    sizes,
  });
  if (sizes < 2) return oneSize();
  const mean = (f: (p: (typeof points)[number]) => number): number =>
    points.reduce((sum, p) => sum + f(p), 0) / points.length;
  const rMean = mean((p) => p.rS);
  const tMean = mean((p) => p.tS);
  const slope = mean((p) => (p.rS - rMean) * (p.tS - tMean)) / mean((p) => (p.rS - rMean) ** 2);
  const overheadS = tMean - slope * rMean;
  if (!(overheadS >= 0 && slope > 0)) return oneSize();
  return { efficiency: 1 / slope, overheadS, rows: points.length, sizes };
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

const pairKey = (r: Row): string => `${r.profile} ${r.model} ${r.metric}`;
const worst = (v: number[]): number => v.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);

interface ProfileFit {
  decode?: DecodeFit;
  prefill: number[];
}

/** Fits every profile that has fit rows; `lines` lists the rows for the document. */
function fitProfiles(library: ProfileLibrary, rows: Row[]) {
  const fits = new Map<string, ProfileFit>();
  const lines: string[] = [];
  const fitRows = rows.filter((r) => r.set === 'fit');
  for (const name of new Set(fitRows.map((r) => r.profile))) {
    const base = roofline(library.resolve(name));
    const timed = fitRows
      .filter((r) => r.profile === name)
      .map((r) => ({ row: r, model: r.model, rS: 1 / predict(base, r), tS: 1 / r.value }));
    const decodePoints = timed.filter((t) => t.row.metric === 'decode_tok_s');
    const decode = decodePoints.length > 0 ? fitDecode(decodePoints) : undefined;
    const t0 = decode?.overheadS ?? 0;
    // A prompt of P tokens takes P x roofline / e + t0 (one pass), so per token
    // e = roofline / (time - t0 / P); rS and tS are per token.
    const prefill = timed
      .filter((t) => t.row.metric === 'prefill_tok_s')
      .map((t) => t.rS / (t.tS - t0 / t.row.promptTokens));
    fits.set(name, { decode, prefill });
    for (const t of timed) {
      lines.push(
        `| ${name} | ${t.model} ${t.row.precision} | ${t.row.metric} | ${t.row.value} | ${fmt(t.rS / t.tS)} | ${t.row.source} |`,
      );
    }
  }
  return { fits, lines };
}

/** One summary line per profile: fitted figures against the shipped ones. */
function summaryLine(name: string, profile: HardwareProfile, fit: ProfileFit | undefined): string {
  const llm = profile.llm;
  if (llm === undefined) return `| ${name} | (no llm block: no model fits) | | | | |`;
  const check = (fitted: number, shipped: number, text: string): string =>
    Math.abs(fitted - shipped) > 0.005 * Math.max(Math.abs(shipped), 1e-4)
      ? `${text} — profile has ${fmt(shipped)}!`
      : text;
  const rowsText = (n: number): string => `${n} row${n > 1 ? 's' : ''}`;
  const prefill =
    fit !== undefined && fit.prefill.length > 0
      ? check(
          median(fit.prefill),
          llm.prefillEfficiency,
          `${fmt(median(fit.prefill))} (fit, ${rowsText(fit.prefill.length)})`,
        )
      : `${llm.prefillEfficiency} (E)`;
  const shippedT0Ms = (llm.decodeOverheadS ?? 0) * 1e3;
  const d = fit?.decode;
  const decode =
    d !== undefined
      ? check(d.efficiency, llm.decodeEfficiency, `${fmt(d.efficiency)} (fit, ${rowsText(d.rows)})`)
      : `${llm.decodeEfficiency} (E)`;
  const overhead =
    d === undefined
      ? `${fmt(shippedT0Ms)} (E: not identified)`
      : check(
          d.overheadS * 1e3,
          shippedT0Ms,
          d.sizes >= 2
            ? `${fmt(d.overheadS * 1e3)} (fit, ${d.sizes} sizes)`
            : '0 (one model size: not identified)',
        );
  return `| ${name} | ${llm.framework} | ${fmt((llm.bandwidthBps ?? profile.memoryBandwidthBps) / 1e9)} GB/s | ${prefill} | ${decode} | ${overhead} |`;
}

/** The same profile without its overhead, e fitted on its Llama 3.2 3B fit row alone. */
function withoutOverhead(profile: HardwareProfile, rows: Row[]): HardwareProfile | undefined {
  const anchor = rows.find(
    (r) =>
      r.set === 'fit' &&
      r.profile === profile.name &&
      r.metric === 'decode_tok_s' &&
      r.model === 'llama-3.2-3b',
  );
  if (anchor === undefined || profile.llm === undefined) return undefined;
  const e = anchor.value / predict(roofline(profile), anchor);
  return { ...profile, llm: { ...profile.llm, decodeEfficiency: e, decodeOverheadS: 0 } };
}

function main(): void {
  const library = new ProfileLibrary();
  const rows = readRows();
  const { fits, lines: fitLines } = fitProfiles(library, rows);
  const summary = library.names.map((n) => summaryLine(n, library.resolve(n), fits.get(n)));
  const fitPairs = new Set(rows.filter((r) => r.set === 'fit').map(pairKey));
  const validation: string[] = [];
  const heldOut = new Map<string, number[]>();
  const ablation: string[] = [];
  for (const row of rows.filter((r) => r.set === 'validate')) {
    const profile = library.resolve(row.profile);
    const predicted = predict(profile, row);
    const error = predicted / row.value - 1;
    const counted = !fitPairs.has(pairKey(row));
    if (counted) heldOut.set(pairKey(row), [...(heldOut.get(pairKey(row)) ?? []), error]);
    const fitted = fits.has(row.profile) ? 'fitted' : 'estimate (no fit rows)';
    validation.push(
      `| ${row.profile} | ${row.model} ${row.precision} | ${row.metric} | ${fmt(predicted)} | ${row.value} | ${pct(error)} | ${fitted}${counted ? '' : ', pair has a fit row'} | ${row.source} |`,
    );
    const plain = (profile.llm?.decodeOverheadS ?? 0) > 0 && withoutOverhead(profile, rows);
    if (plain && row.metric === 'decode_tok_s') {
      const before = predict(plain, row);
      ablation.push(
        `| ${row.profile} | ${row.model} ${row.precision} | ${fmt(before)} (${pct(before / row.value - 1)}) | ${fmt(predicted)} (${pct(error)}) | ${row.value} |`,
      );
    }
  }
  const pairLines: string[] = [];
  const decodePairs: number[] = [];
  const prefillPairs: number[] = [];
  for (const [key, errors] of heldOut) {
    const error = median(errors);
    (key.endsWith('decode_tok_s') ? decodePairs : prefillPairs).push(error);
    pairLines.push(`| ${key} | ${errors.length} | ${pct(error)} |`);
  }
  const abs = (v: number[]): number[] => v.map(Math.abs);
  // The 8 Elite's held-out prefill errors, quoted in the prose below.
  const phonePrefill = (model: string): string => {
    const errors = heldOut.get(`phone-snapdragon-8-elite ${model} prefill_tok_s`);
    if (errors === undefined) throw new Error(`no held-out 8 Elite prefill row for ${model}`);
    return pct(median(errors));
  };
  const doc = `# LLM timing fidelity

Generated by \`npx tsx scripts/calibrate-llm.ts --write\` from
\`hardware-profiles/measurements/llm.csv\` (sources in \`SOURCES-llm.md\`) and the
shipped profiles. Model: \`src/fleet/llm-timing.ts\`, a per-iteration roofline plus a
fixed overhead per iteration: iteration = max(memory, compute) + t0, where memory
reads the weights and KV cache at the profile's LLM bandwidth x decodeEfficiency,
compute runs at the achievable int8 or fp16 rate x prefillEfficiency, and t0 is the
profile's \`decodeOverhead\` (launches, synchronisation, sampling, framework; once per
iteration however many sequences it decodes). One stream decodes at
1 / (bytes per token / (bandwidth x e) + t0) tokens/s.

## Fitted figures

Decode: time per token t = r / e + t0, r the roofline time (efficiency 1, no
overhead). Where a profile's decode fit rows hold two or more model sizes, e and t0
come from a least-squares line through (r, t) (exact through two rows); where they
hold one size, t0 is not identified and is 0, and e = median(r / t), i.e. the
efficiency absorbs the overhead at that size. Prefill: e = median over the rows of
roofline / (measured time of the prompt's one pass - t0). "E" = no fit row: the profile's value is an
estimate (see its \`llm\` block's note); every such profile ships t0 = 0.

| Profile | Framework | LLM bandwidth | prefillEfficiency | decodeEfficiency | decodeOverhead (ms) |
|---|---|---|---|---|---|
${summary.join('\n')}

Fit rows (efficiency column: measured / roofline of the row alone, before t0):

| Profile | Model | Metric | Measured tok/s | measured / roofline | Source |
|---|---|---|---|---|---|
${fitLines.join('\n')}

## Validation (held-out rows)

Predicted by the shipped profiles; error = predicted / measured - 1.

The split is a rule, stated before this calibration's errors were computed: a
profile's decode fit rows are its Llama 3.2 rows — the 3B (the one model every
source measured) and the 1B where the same source measured it on the same unit and
method. The two are sizes of one architecture (same vocabulary, layer design and
quantiser), so the difference of their times is the bytes alone, which is what
identifies t0. The prefill fit row is a profile's only prefill row, or where one
source gives several, its Llama 3.2 3B row (the phone). Every other model, unit and
source is held out. Two profiles have both sizes: the Jetson Orin Nano (MLC, Jetson AI
Lab tutorial) and the Snapdragon 8 Elite phone (Qualcomm AI Hub, Genie); the other
profiles keep one fit row and t0 = 0.

Honesty note: this is not a blind hold-out for the Orin. The previous calibration
(commit 27162b1) computed the implied efficiency of every Orin row, saw the 1B row
miss by +32% without an overhead, and reported this same 1B + 3B fit with its
errors on the three other Orin rows before this rule was written; the rule reproduces
that choice. Moving the 1B row from validate to fit dropped it from the held-out
pairs (7 remained where commit 27162b1 counted 8).

The Snapdragon 8 Elite rows (Qualcomm AI Hub perf.yaml at v0.46.1) were split by the
rule above before any of them was timed: decode e and t0 on Llama 3.2 1B and 3B,
prefill efficiency on the Llama 3.2 3B time to first token, and Llama 3.1 8B, Qwen2.5
7B and Phi-3.5-mini held out for both metrics, with the 1B prefill. The decode
context (2048, the bytes of the static 4095-position 8-bit KV cache at the card's
fp16) was also fixed before the first run. One change came after it: the first run
gave a negative prefill efficiency, because the script subtracted the per-pass t0
from the per-token time; it now subtracts t0 / prompt tokens (no effect on the N100,
whose t0 is 0).

| Profile | Model | Metric | Predicted tok/s | Measured tok/s | Error | Figures | Source |
|---|---|---|---|---|---|---|---|
${validation.join('\n')}

### Held-out device/model pairs

A pair (profile, model, metric) counts when no fit row shares it; its error is the
median over its rows.

| Pair | Rows | Error |
|---|---|---|
${pairLines.join('\n')}

Decode: ${decodePairs.length} held-out pairs, ${decodePairs.filter((e) => Math.abs(e) <= 0.25).length} within 25%; median absolute error ${pct(median(abs(decodePairs)))}, worst ${pct(worst(decodePairs))}.
Prefill: ${prefillPairs.length > 0 ? `${prefillPairs.length} held-out pairs, ${prefillPairs.filter((e) => Math.abs(e) <= 0.25).length} within 25%; median absolute error ${pct(median(abs(prefillPairs)))}, worst ${pct(worst(prefillPairs))}` : 'no held-out pair: no published prefill of a card model on a profiled device was found besides the fit row'}.

### With and without the overhead

For the profiles that ship t0 > 0: the held-out decode rows predicted without it
(t0 = 0, e fitted on the Llama 3.2 3B row alone, the previous model) and with the
shipped e and t0.

| Profile | Model | t0 = 0 tok/s (error) | Shipped tok/s (error) | Measured tok/s |
|---|---|---|---|---|
${ablation.join('\n')}

## What remains an estimate

- t0 is identified on two profiles (Orin Nano, MLC, CUDA; Snapdragon 8 Elite,
  Genie on the Hexagon NPU). The CPU profiles have one model size per fit source; at
  their 0.1-0.5 s per token a few milliseconds would not show, and their single-row
  efficiency absorbs it. The GPU profiles without measurements (T4, L4, A100, Jetson
  Nano) and the older phones ship t0 = 0: the fitted figures reflect their own
  stacks and are not carried over.
- Profiles without fit rows ("E" above): the T4, L4, A100, Jetson Nano and the
  Snapdragon 8 Gen 2 and midrange phones borrow efficiencies from other classes; no
  measurement of a card model on them was found (the llama.cpp CUDA tables found use
  Llama 2 7B or several GPUs, MLC's phone reports Llama 2 7B). Their timings are
  unvalidated; the Raspberry Pi 4 row above tests such a borrowed value.
- Prefill is fitted on two rows (N100 pp512; the 8 Elite's Llama 3.2 3B) and
  validated only on the 8 Elite's other four models; the other profiles' prefill
  efficiencies are guesses. The phone's efficiency is a share of its int8 rate, which
  sits at the profile's peak estimate (twice the best CNN rate measured on it). Its prefill rows
  are derived: 128 tokens / the lower bound of AI Hub's time-to-first-token range,
  which info.yaml defines as one pass of the 128-token prompt processor (the upper
  bound is exactly 32 times the lower: 32 passes for 4096 tokens, not a second
  measurement). The held-out 7-8B prompts run faster than predicted
  (${phonePrefill('llama-3.1-8b')}, ${phonePrefill('qwen2.5-7b')}) while the 1B and Phi run slower
  (${phonePrefill('llama-3.2-1b')}, ${phonePrefill('phi-3-mini-4k')}): per-pass costs that do not
  scale with FLOPs (the padded attention over the 4096-position static cache, the
  8-bit layers) are outside the model. The same t0 per prefill pass is the model's
  assumption; the phone's rows are the first prefill rows on a profile with t0 > 0.
- The 8 Elite's decode context: AI Hub's graphs are static, so every decode step
  reads the whole 4095-position KV cache, stored at 8 bits (qai_hub_models
  _shared/llm/model.py); it is entered as 2048 positions at the card's fp16. Phi-3.5
  has no grouped-query attention, so this matters most there: at 256 positions (the
  cache as if dynamic) the shipped figures predict +49% instead of +16%.
- The 8 Elite figures come from Qualcomm's QRD reference device, not a retail phone,
  and the Qwen2.5 and Phi-3.5 rows from AI Hub's QNN context-binary runtime rather
  than Genie; both are read as the same stack. w4a16 (4-bit weights, LM head and a
  few layers at 8 bits, 16-bit activations) is timed as q4_0 (4.5 bits per weight).
- Decode contexts of the Ollama and MLC runs (256, 512) are estimates; at these
  lengths the KV read is 1-5% of the weight read (Phi-3-mini, without GQA, 5%), so a
  factor 2 moves a prediction by at most about 5%.
- MLC's INT4 formats and AI Hub's w4a16 are timed as q4_0 (4.5 bits per weight).
`;
  if (process.argv.includes('--write')) writeFileSync(DOC, doc);
  else process.stdout.write(doc);
}

main();
