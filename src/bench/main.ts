#!/usr/bin/env node
import { engineCases, pendingEventsMemoryBytes } from './engine.js';
import { runCases } from './harness.js';

const results = await runCases(engineCases);
const rows = results.map((r) => ({
  benchmark: r.name,
  runs: r.iterations,
  'min ms': r.minMs.toFixed(1),
  'median ms': r.medianMs.toFixed(1),
  'throughput (median)': `${(r.throughputPerS / 1e6).toFixed(2)} M ${r.unit}/s`,
}));
console.table(rows);
const memoryMB = pendingEventsMemoryBytes() / 1e6;
console.log(`engine: 1,000,000 pending events hold ${memoryMB.toFixed(1)} MB above the baseline`);
