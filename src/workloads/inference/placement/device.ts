import { ON_DEVICE, type PlacementPolicy } from './policy.js';

/** `device`: every request runs on its own device, queueing for its processor. */
export const devicePolicy: PlacementPolicy = {
  summary: 'device (every request on its own device)',
  runsOnDevice: 'always',
  chooser: () => () => ON_DEVICE,
};
