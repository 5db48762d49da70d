/**
 * A user's language-model card from a JSON (or YAML) file with the fields of
 * {@link LlmArchitecture}; `scenarios/models/llm/example-card.json` is one.
 */
import { z } from 'zod';
import { InputError, type InputProblem } from '../../../errors.js';
import { readDataFile } from '../../../scenario/data-file.js';
import { toProblems } from '../../../scenario/problems.js';
import { type LlmArchitecture, type LlmCard, llmCard } from './card.js';

const size = z.number().int().positive();

/** The fields of {@link LlmArchitecture}; unknown fields are refused. */
export const llmArchitectureSchema = z.strictObject({
  name: z.string().min(1),
  label: z.string().min(1),
  layers: size,
  hidden: size,
  heads: size,
  kvHeads: size,
  headDim: size,
  ffn: size,
  ffnKind: z.enum(['gated', 'mlp']),
  vocab: size,
  tiedEmbeddings: z.boolean(),
  contextWindow: size,
  attentionBias: z.boolean(),
  publishedParams: z.number().positive(),
  sources: z.record(z.string(), z.string()),
});

/**
 * Reads, checks and costs the architecture in `file`. Throws one
 * {@link InputError} naming `file` and each field at fault (a missing field,
 * a size that is not a positive integer, `kvHeads` that does not divide
 * `heads`), or the file itself when it cannot be read or parsed.
 */
export function loadLlmCard(file: string): LlmCard {
  return llmCard(parseLlmArchitecture(readDataFile(file, 'costCard'), file));
}

/** Checks plain data as an {@link LlmArchitecture}; `file` names it in errors. */
export function parseLlmArchitecture(data: unknown, file: string): LlmArchitecture {
  const parsed = llmArchitectureSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new InputError(file, toProblems(parsed.error.issues, llmArchitectureSchema));
  }
  const arch = parsed.data;
  const problems: InputProblem[] = [];
  if (arch.heads % arch.kvHeads !== 0) {
    problems.push({
      path: 'kvHeads',
      message: `must divide heads (${arch.heads}): each key/value head serves a whole group of query heads`,
      value: arch.kvHeads,
    });
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return arch;
}
