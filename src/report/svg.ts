/**
 * Server-side rendering of Vega-Lite specs to SVG with vega, no browser.
 * Without the optional `canvas` package vega estimates text widths from
 * character counts, which is deterministic; its SVG clip and gradient ids
 * come from module-wide counters, reset before every render so the same
 * spec always gives the same bytes.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A compiled spec and the warnings Vega-Lite raised while compiling it. */
export interface CompiledSpec {
  readonly spec: vega.Spec;
  readonly warnings: readonly string[];
}

function collectingLogger(warnings: string[]): vega.LoggerInterface {
  const logger = vega.logger(vega.Warn);
  const keep = (...args: readonly unknown[]) => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  logger.warn = keep;
  logger.info = () => logger;
  logger.debug = () => logger;
  return logger;
}

/** Compiles a Vega-Lite spec to Vega, collecting (not printing) its warnings. */
export function compileSpec(spec: TopLevelSpec): CompiledSpec {
  const warnings: string[] = [];
  const compiled = compile(spec, { logger: collectingLogger(warnings) });
  return { spec: compiled.spec, warnings };
}

/**
 * Renders a Vega-Lite spec to an SVG document (text). Data must be inline:
 * the loader refuses every file and network access. Warnings raised while
 * rendering are collected into `warnings` when given, otherwise dropped.
 */
export async function renderSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  const compiled = compileSpec(spec);
  warnings.push(...compiled.warnings);
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compiled.spec), {
    renderer: 'none',
    logger: collectingLogger(warnings),
    loader: noLoader,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A loader that loads nothing: report specs carry their data inline. */
const noLoader = vega.loader();
const refuse = async (uri: string): Promise<never> => {
  throw new Error(`report charts load no data (refused '${uri}')`);
};
noLoader.load = refuse;
noLoader.sanitize = refuse;
