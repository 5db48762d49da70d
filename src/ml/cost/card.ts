/**
 * The cost card format lives in `vocabulary/cost-card.ts` so that fleet/ can
 * cost a card without importing ml/; re-exported here for ml/cost's own files.
 */
export type {
  CostCard,
  Deployment,
  Detection,
  LayerCost,
  Precision,
} from '../../vocabulary/cost-card.js';
export {
  BYTES_PER_ELEMENT,
  DETECTION_POSTPROCESS,
  elements,
  inputBytes,
  layerBytesMoved,
  layerInputs,
  MAC_KINDS,
  makeCard,
  multiplyAccumulates,
  PRECISIONS,
  weightBytes,
} from '../../vocabulary/cost-card.js';
