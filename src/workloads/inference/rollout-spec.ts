/**
 * `workload.inference.rollout`: a staged model update while the fleet
 * serves requests. `from` is the scenario's `model` (optionally its `.edgm`
 * file, for byte-exact deltas); `to` is the new version (a cost card and/or
 * an `.edgm` file, its own precision). The wave plan (waves, soak, gate,
 * windows, network policy, update kind, sampling) is the rollout workload's
 * own (workloads/rollout/scenario.ts), shared, not copied.
 */
import { z } from 'zod';
import { MAX_TEXT_LENGTH } from '../../scenario/limits.js';
import { PRECISIONS } from '../../vocabulary/cost-card.js';
import { failureSpec, rolloutPlanFields } from '../rollout-plan.js';

const modelFile = (text: string) => z.string().max(MAX_TEXT_LENGTH).describe(text);

const fromVersion = z.strictObject({
  file: modelFile(
    "The scenario model's .edgm file (edgesim compress), relative to the scenario: its bytes are the image, and the base of a delta",
  ).optional(),
  failure: failureSpec.optional(),
});

const toVersion = z
  .strictObject({
    card: z
      .string()
      .max(MAX_TEXT_LENGTH)
      .optional()
      .describe(
        "The new version's cost card (a zoo name or a .json card file); default the scenario model's card (a retrained copy costs the same)",
      ),
    precision: z
      .enum(PRECISIONS)
      .optional()
      .describe(
        "Precision devices run the new version at; default its card's deployed precision, else (same card) the scenario model's",
      ),
    file: modelFile(
      "The new version's .edgm file: its bytes are the image, and the target of a delta",
    ).optional(),
    failure: failureSpec.optional(),
  })
  .refine((v) => v.card !== undefined || v.file !== undefined || v.precision !== undefined, {
    message: 'the new version needs a card, a file or a precision (the model at another one)',
  });

/** The inference workload's `rollout` block (optional). */
export const inferenceRolloutField = z
  .strictObject({
    from: fromVersion
      .default({})
      .describe("The version every device runs at time 0: the scenario's model"),
    to: toVersion.describe('The version the rollout installs'),
    servers: z
      .enum(['from', 'to'])
      .default('from')
      .describe(
        'The version every server runs for the whole run (servers are updated outside the rollout)',
      ),
    ...rolloutPlanFields,
  })
  .describe(
    'A staged rollout of a new model version to the devices while they serve (rollout.csv, versions.csv)',
  );

export type InferenceRolloutSpec = z.output<typeof inferenceRolloutField>;
