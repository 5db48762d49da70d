/**
 * The registry of workloads: every kind of run edgesim knows, by name. The
 * scenario schema is assembled from it (scenario.ts) and runs dispatch
 * through it (src/run.ts). Adding a workload is a folder exporting a
 * `Workload` (see workload.ts) and one line here.
 *
 * Each entry is imported from the folder's workload.ts (its index.ts
 * re-exports it), which loads only what validation and resolution need; a
 * workload's run loads the rest (TensorFlow.js for compress and federated).
 */
import type { z } from 'zod';
import { compressWorkload } from './compress/workload.js';
import { federatedWorkload } from './federated/workload.js';
import { inferenceWorkload } from './inference/workload.js';
import { learnWorkload } from './learn/workload.js';
import { llmWorkload } from './llm/workload.js';
import { rolloutWorkload } from './rollout/workload.js';
import type { Workload } from './workload.js';

/** The registered workloads, by kind; a file is the first kind whose marker field it has. */
export const WORKLOADS = {
  inference: inferenceWorkload,
  compress: compressWorkload,
  federated: federatedWorkload,
  rollout: rolloutWorkload,
  learn: learnWorkload,
  llm: llmWorkload,
} as const;

/** A kind of scenario and run: `inference`, `compress`, `federated`, `rollout`, `learn` or `llm`. */
export type WorkloadKind = keyof typeof WORKLOADS;

/** The kind of a file that has no other kind's marker field. */
export const DEFAULT_KIND: WorkloadKind = 'inference';

/** What the workload of `kind` resolves a scenario to. */
export type ResolvedOf<K extends WorkloadKind> =
  (typeof WORKLOADS)[K] extends Workload<infer _F, infer _S, infer R> ? R : never;

/** A validated scenario with its files read and its names resolved: ready to run with any seed. */
export type PreparedRun = {
  [K in WorkloadKind]: { kind: K; resolved: ResolvedOf<K> };
}[WorkloadKind];

/** The kinds, in registry order. */
export const WORKLOAD_KINDS = Object.keys(WORKLOADS) as WorkloadKind[];

/**
 * The kind of scenario `raw` (parsed, not necessarily validated) is meant to
 * be: the first registered workload whose marker field it has, else
 * {@link DEFAULT_KIND}. Validation picks the schema by this rule, so errors
 * speak of one kind, not of all.
 */
export function scenarioKind(raw: unknown): WorkloadKind {
  if (raw === null || typeof raw !== 'object') return DEFAULT_KIND;
  for (const kind of WORKLOAD_KINDS) {
    const marker = WORKLOADS[kind].schema.marker;
    if (marker !== null && marker in raw) return kind;
  }
  return DEFAULT_KIND;
}

/** The workload of `kind`, with its types erased (for dispatch: the kind already matched). */
export function workloadOf(kind: WorkloadKind): Workload<z.ZodRawShape, unknown, unknown> {
  return WORKLOADS[kind] as unknown as Workload<z.ZodRawShape, unknown, unknown>;
}
