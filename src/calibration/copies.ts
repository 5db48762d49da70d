/**
 * Profiles without measurements of their own whose calibration copies a
 * fitted profile's, precision by precision (a new phone on a measured
 * phone's NPU, until a CNN is measured on it; no built-in profile copies
 * since the Snapdragon 8 Elite got measurements of its own). A copied
 * calibration block names its source in `copiedFrom`; `edgesim calibrate`
 * copies that profile's fitted rate and parameters, as its file holds them,
 * into it (after refitting the source, which comes first), so a refit of the
 * source carries over and `calibrate --check` catches a stale copy.
 */
import { InputError } from '../errors.js';
import type { Precision } from '../vocabulary/cost-card.js';

type Document = Record<string, unknown>;
type Block = Record<string, unknown>;

/** What a copy keeps of its own: the stack it names, the provenance fields. */
const OWN = ['framework', 'otherFrameworks', 'copiedFrom', 'source', 'note'];

/** The precisions of a profile document whose calibration names a source, with the source. */
export function copySources(document: Document): Map<Precision, string> {
  const sources = new Map<Precision, string>();
  for (const [precision, entry] of Object.entries(computeOf(document))) {
    const from = (entry.calibration as Block | undefined)?.copiedFrom;
    if (typeof from === 'string') sources.set(precision as Precision, from);
  }
  return sources;
}

/**
 * `document` (the profile in `file`) with each copying precision's
 * achievable rate and calibration parameters taken from `sourceOf(name)`,
 * the source profile's document, or undefined when there is no such
 * profile. Throws an InputError at the `copiedFrom` field when the
 * source is unknown, lacks the precision's calibration or itself copies.
 */
export function withCopies(
  document: Document,
  file: string,
  sources: ReadonlyMap<Precision, string>,
  sourceOf: (profile: string) => Document | undefined,
): Document {
  const compute = { ...computeOf(document) };
  for (const [precision, from] of sources) {
    const refuse = (message: string) =>
      new InputError(file, [
        { path: `compute.${precision}.calibration.copiedFrom`, message, value: from },
      ]);
    const document = sourceOf(from);
    if (document === undefined) throw refuse(`no profile named ${from}`);
    const source = computeOf(document)[precision];
    const fitted = source?.calibration as Block | undefined;
    if (source === undefined || fitted === undefined)
      throw refuse(`${from} has no ${precision} calibration to copy`);
    if (fitted.copiedFrom !== undefined)
      throw refuse(`${from} copies ${String(fitted.copiedFrom)}; copy a fitted profile`);
    const entry = compute[precision] as Block;
    const own = entry.calibration as Block;
    const parameters = Object.fromEntries(Object.entries(fitted).filter(([k]) => !OWN.includes(k)));
    const kept = Object.fromEntries(
      OWN.filter((k) => own[k] !== undefined).map((k) => [k, own[k]]),
    );
    compute[precision] = {
      ...entry,
      achievable: { ...(entry.achievable as Block), value: (source.achievable as Block).value },
      calibration: { ...parameters, ...kept },
    };
  }
  return { ...document, compute };
}

function computeOf(document: Document): Record<string, Block> {
  return (document.compute ?? {}) as Record<string, Block>;
}
