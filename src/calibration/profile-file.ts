/**
 * Writes fitted parameters into a profile file's text: each fitted
 * precision's `achievable` figure (source `fit`) and its `calibration`
 * block, and the `fit` entry of `sources`. The file keeps the layout of the
 * shipped profiles: below the top level, an object of plain values (a
 * figure) on one line; anything holding an object, and the top-level
 * `sources`, spread over lines.
 */
import { isIntegerPrecision, type Precision } from '../vocabulary/cost-card.js';
import { type PrecisionFit, round } from './fit.js';

/** The profile document with `fits` written in; `file` names the measurements in the notes. */
export function withFits(
  document: Record<string, unknown>,
  fits: readonly PrecisionFit[],
  measurements: string,
): Record<string, unknown> {
  const compute = { ...(document.compute as Record<string, Record<string, unknown>>) };
  for (const fit of fits) {
    const entry = { ...(compute[fit.precision] as Record<string, unknown>) };
    const how =
      fit.transferredFrom === undefined
        ? `fitted to ${fit.rows} calibration row${fit.rows === 1 ? '' : 's'} of ${measurements} (reference stack ${fit.framework})`
        : `no measurements at ${fit.precision}: the ${fit.transferredFrom} fit's fraction of peak and parameters`;
    entry.achievable = {
      value: formatRate(fit.achievableFlops, fit.precision),
      source: 'fit',
      note: `saturated standard-conv rate, ${how}`,
    };
    const c = fit.calibration;
    entry.calibration = {
      efficiency: {
        depthwise: c.efficiency.depthwise,
        pointwise: c.efficiency.pointwise,
        dense: c.efficiency.dense,
        elementwise: c.efficiency.elementwise,
      },
      halfOutputs: c.halfOutputs,
      ...(c.halfDepth !== undefined && { halfDepth: c.halfDepth }),
      bandwidthFactor: c.bandwidthFactor,
      layerOverhead: milliseconds(c.layerOverheadS),
      callOverhead: milliseconds(c.callOverheadS),
      framework: fit.framework,
      otherFrameworks: Object.fromEntries(
        Object.entries(fit.otherFrameworks).map(([name, t]) => [
          name,
          { factor: t.factor, addedTime: milliseconds(t.addedS) },
        ]),
      ),
      source: 'fit',
      note: how,
    };
    compute[fit.precision] = entry;
  }
  const sources = {
    ...(document.sources as Record<string, string>),
    fit: `edgesim calibrate ${String(document.name)}: Levenberg-Marquardt fit to the calibration rows of ${measurements}, with the priors of src/calibration/priors.ts (method in src/calibration/fit.ts)`,
  };
  return { ...document, compute, sources };
}

/** A duration as the profiles write it: milliseconds to 4 significant digits. */
function milliseconds(seconds: number): string {
  return `${round(seconds * 1e3)} ms`;
}

/** A rate with the unit the profiles use: GFLOP/s or TFLOP/s for floats, GOPS or TOPS for integers. */
export function formatRate(opsPerS: number, precision: Precision): string {
  const integer = isIntegerPrecision(precision);
  const [scale, unit] =
    opsPerS >= 1e12 ? [1e12, integer ? 'TOPS' : 'TFLOP/s'] : [1e9, integer ? 'GOPS' : 'GFLOP/s'];
  return `${round(opsPerS / scale)} ${unit}`;
}

/** JSON in the profiles' layout (see the file comment), with a final newline. */
export function formatProfile(value: unknown): string {
  return `${format(value, '')}\n`;
}

function format(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => format(v, indent)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const flat =
    indent.length > 0 &&
    entries.every(([, v]) => v === null || typeof v !== 'object' || Array.isArray(v));
  if (flat)
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${format(v, indent)}`).join(', ')} }`;
  const inner = `${indent}  `;
  const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}
