/**
 * The llm workload's part of a scenario: devices that send chat requests
 * (device groups with arrivals), their cells, servers that run a language
 * model with continuous batching, and the `llm:` section: the models each
 * tier runs, the token lengths of requests, where they run, the objectives
 * and how tokens stream back. Every object is strict; quantities may carry
 * units.
 */
import { z } from 'zod';
import { costField } from '../../cost/spec.js';
import { radioField } from '../../energy/radio-spec.js';
import { deviceClassFields, fleetOf, profileOverride } from '../../fleet/spec.js';
import { cellsField } from '../../network/cell-spec.js';
import { name, type ScenarioInputOf, type ScenarioOf } from '../../scenario/header.js';
import {
  MAX_DURATION_S,
  MAX_MESSAGE_BYTES,
  MAX_NAME_LENGTH,
  MAX_SERVERS,
  MAX_TEXT_LENGTH,
} from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';
import { arrivalSpec } from '../arrivals.js';

/** Longest prompt or output a scenario may ask for: past every shipped model's window. */
export const MAX_TOKENS = 10_000_000;

const positiveDuration = { min: 0, exclusiveMin: true, max: MAX_DURATION_S } as const;
const tokens = (text: string) => z.number().int().min(1).max(MAX_TOKENS).describe(text);

/** A distribution of token counts (prompt or output); every kind has support in [1, max]. */
export const lengthSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), tokens: tokens('Every request has this many') }),
  z
    .strictObject({
      kind: z.literal('uniform'),
      min: tokens('Fewest tokens'),
      max: tokens('Most tokens'),
    })
    .refine((u) => u.min <= u.max, { message: 'min must not exceed max', path: ['min'] }),
  z.strictObject({
    kind: z.literal('lognormal'),
    mean: z.number().min(1).max(MAX_TOKENS).describe('Mean tokens before truncation'),
    cv: z.number().positive().max(10).describe('Coefficient of variation'),
    max: tokens('Draws are clipped to [1, max]'),
  }),
]);
export type LengthSpec = z.output<typeof lengthSpec>;

/** A language model on a tier: a card by name or file, at a precision. */
export const llmModelSpec = z.strictObject({
  card: z
    .string()
    .min(1)
    .max(MAX_TEXT_LENGTH)
    .describe('A shipped card (llama-3.2-3b, llama-3.1-8b, ...) or a JSON card file'),
  precision: z.enum(['fp16', 'q8_0', 'q4_0', 'q4_k_m']).default('q4_0'),
});
export type LlmModelSpec = z.output<typeof llmModelSpec>;

/** A device group that sends chat requests. */
export const llmGroup = z.strictObject({
  ...deviceClassFields,
  arrivals: arrivalSpec.describe('When each device sends a chat request'),
  overrides: profileOverride.optional(),
});

/** A server running a model with continuous batching. */
const llmServer = z.strictObject({
  name: name.describe('Identifies the server in results'),
  profile: z.string().max(MAX_NAME_LENGTH).describe('Hardware profile name'),
  tier: z.enum(['edge', 'cloud']).describe('Which placement sends requests here'),
  model: llmModelSpec,
  rtt: quantity(
    'duration',
    { min: 0, max: MAX_DURATION_S },
    "Round-trip time beyond the device's cell (the WAN for cloud)",
  ).default(0),
  maxBatch: z.number().int().min(1).max(4096).default(64).describe('Sequences decoding at once'),
  maxBatchTokens: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(2048)
    .describe('Tokens per iteration (decode tokens plus a prefill chunk)'),
  kvTokens: z
    .number()
    .int()
    .min(1)
    .max(1e9)
    .optional()
    .describe(
      "KV-cache budget in tokens; default what the profile's memory leaves after the weights",
    ),
  overrides: profileOverride.optional(),
});

const llmSection = z.strictObject({
  placement: z
    .enum(['device', 'edge', 'cloud', 'adaptive'])
    .describe('Where requests run; adaptive picks per request the least expected latency'),
  device: llmModelSpec.optional().describe('The model devices run (placement device or adaptive)'),
  prompt: lengthSpec.optional().describe('Prompt tokens per request'),
  output: lengthSpec.optional().describe('Output tokens per request'),
  lengths: z
    .strictObject({
      file: z
        .string()
        .min(1)
        .max(MAX_TEXT_LENGTH)
        .describe('CSV with prompt_tokens and output_tokens columns, relative to the scenario'),
    })
    .optional()
    .describe(
      'Each request takes the lengths of a row drawn at random (instead of prompt and output)',
    ),
  slo: z
    .strictObject({
      ttft: quantity('duration', positiveDuration, 'Time to first token objective'),
      tpot: quantity('duration', positiveDuration, 'Time per output token objective'),
    })
    .describe('A request meets the SLO when both hold'),
  bytesPerToken: quantity(
    'bytes',
    { min: 0, max: MAX_MESSAGE_BYTES },
    'Bytes a token takes on the wire (text and framing), both ways',
  ).default(4),
  speculative: z
    .strictObject({
      draftTokens: z
        .number()
        .int()
        .min(1)
        .max(64)
        .default(4)
        .describe('Tokens the device drafts per round'),
      acceptance: quantity(
        'fraction',
        { min: 0, max: 1 },
        "Probability the server's model accepts each drafted token",
      ),
    })
    .optional()
    .describe(
      "Speculative decoding across tiers: the device's model (llm.device) drafts, the server verifies",
    ),
  streamChunk: z
    .number()
    .int()
    .min(1)
    .max(MAX_TOKENS)
    .default(16)
    .describe('Tokens sent back per message after the first token'),
});

/** The llm workload's top-level fields, beside the scenario header. */
export const llmFields = {
  duration: quantity('duration', positiveDuration, 'Simulated time during which devices ask'),
  fleet: fleetOf(llmGroup).describe('Groups of devices of one class'),
  cells: cellsField,
  radio: radioField,
  cost: costField,
  servers: z.array(llmServer).max(MAX_SERVERS).default([]).describe('Edge and cloud servers'),
  llm: llmSection,
};

/** An llm scenario after validation. */
export type LlmScenario = ScenarioOf<typeof llmFields>;
export type LlmScenarioInput = ScenarioInputOf<typeof llmFields>;
export type LlmSection = LlmScenario['llm'];
export type LlmServerSpec = LlmScenario['servers'][number];
export type LlmGroupSpec = LlmScenario['fleet'][number];

/** Names unique; a placement that needs a tier has it. */
export function checkLlmScenario(
  scenario: z.output<z.ZodObject<typeof llmFields>>,
  ctx: z.RefinementCtx,
): void {
  for (const [list, path] of [
    [scenario.fleet.map((g) => g.name), 'fleet'],
    [scenario.servers.map((s) => s.name), 'servers'],
  ] as const) {
    const seen = new Set<string>();
    list.forEach((n, i) => {
      if (seen.has(n))
        ctx.addIssue({
          code: 'custom',
          path: [path, i, 'name'],
          input: n,
          message: `duplicate name "${n}"`,
        });
      seen.add(n);
    });
  }
  const { placement, device, prompt, output, lengths } = scenario.llm;
  if (lengths !== undefined && (prompt !== undefined || output !== undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['llm', 'lengths'],
      input: lengths,
      message: 'give either lengths (a trace) or prompt and output (distributions), not both',
    });
  if (lengths === undefined && (prompt === undefined || output === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['llm', prompt === undefined ? 'prompt' : 'output'],
      input: undefined,
      message:
        'give prompt and output token distributions, or lengths: { file } with a trace of both',
    });
  if ((placement === 'device' || placement === 'adaptive') && device === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['llm', 'device'],
      input: undefined,
      message: `placement ${placement} runs requests on devices; give the model they run (llm.device: { card, precision })`,
    });
  if (scenario.llm.speculative !== undefined && device === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['llm', 'speculative'],
      input: scenario.llm.speculative,
      message:
        'speculative decoding drafts on the device; give its model (llm.device: { card, precision })',
    });
  if (scenario.llm.speculative !== undefined && placement === 'device')
    ctx.addIssue({
      code: 'custom',
      path: ['llm', 'speculative'],
      input: scenario.llm.speculative,
      message: 'speculative decoding verifies on a server; placement device never asks one',
    });
  const tiers = new Set(scenario.servers.map((s) => s.tier));
  const needs = placement === 'edge' || placement === 'cloud' ? [placement] : [];
  for (const tier of needs)
    if (!tiers.has(tier))
      ctx.addIssue({
        code: 'custom',
        path: ['servers'],
        input: scenario.servers.map((s) => s.name),
        message: `placement ${placement} needs a server with tier ${tier}`,
      });
  if (placement === 'adaptive' && scenario.servers.length === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['servers'],
      input: [],
      message:
        'placement adaptive chooses between the device and a server; give at least one server',
    });
}
