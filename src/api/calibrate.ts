/** Entry point of `edgesim calibrate` and `edgesim fidelity`, loaded by the CLI only when they run. */

export { fidelityChart } from '../calibration/fidelity-chart.js';
export {
  alignedTable,
  fidelityRepeatTable,
  fidelityRowTable,
  fidelitySummaryTable,
  markdownTable,
} from '../calibration/fidelity-tables.js';
export {
  type Calibration,
  calibrate,
  type Fidelity,
  type FidelityRepeat,
  type FidelityRow,
  type FidelitySummary,
  fidelity,
  type PrecisionFit,
  profileNames,
} from '../calibration/index.js';
export { renderSvg } from '../report/svg.js';
