/** Entry point of `edgesim validate`, loaded by the CLI only when it runs. */
export { type ValidFile, validateFile } from '../validate.js';
