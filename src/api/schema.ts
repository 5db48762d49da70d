/** Entry point of `edgesim schema`, loaded by the CLI only when it runs. */
export { scenarioJsonSchema } from '../workloads/scenario.js';
