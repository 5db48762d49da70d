/**
 * `--shard i/N` parsing, which the CLI needs when it registers `sweep` (as
 * the option's parser): small, so loaded with the CLI itself.
 */
export { parseShard, type Shard } from '../sweep/shard.js';
