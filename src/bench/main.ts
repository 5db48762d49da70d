#!/usr/bin/env node
import { EdgesimError } from '../errors.js';
import { runSuites, suitesJson } from './suites.js';

/**
 * `npm run bench` runs every default suite; `npm run bench -- engine
 * compression` runs the named ones (see suites.ts); `--json` prints what
 * they measured as JSON on stdout. `edgesim bench --suite` does the same.
 */
const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => a !== '--json').map((a) => a.replace(/^--/, ''));
try {
  const results = await runSuites(names, json);
  if (json) console.log(suitesJson(results));
} catch (error) {
  if (!(error instanceof EdgesimError)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = error.exitCode;
}
