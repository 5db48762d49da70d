#!/usr/bin/env node
import { federatedRun } from './federated-scale.js';

/** One federated scenario run in a process of its own: prints what `federatedRun` measured, as JSON. */
const run = await federatedRun(process.argv[2]!);
process.stdout.write(`${JSON.stringify(run)}\n`);
