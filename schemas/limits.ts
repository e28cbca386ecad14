import { z } from 'zod';

/** Every limit a request is held to. Issue-level defaults; the server may override them from its config. */
export const LimitsSchema = z.object({
  maxBodyBytes: z.number().int().positive(),
  maxElementsPerInput: z.number().int().positive(),
  maxTotalElements: z.number().int().positive(),
  maxElementsPerTensor: z.number().int().positive(),
  maxEvaluationElements: z.number().int().positive(),
  maxInputs: z.number().int().positive(),
  maxStatements: z.number().int().positive(),
  maxExprLength: z.number().int().positive(),
  maxDepth: z.number().int().positive(),
  maxFunctions: z.number().int().positive(),
  maxBatchItems: z.number().int().positive(),
  maxAnswerBytes: z.number().int().positive(),
});

export type Limits = z.infer<typeof LimitsSchema>;

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxBodyBytes: 8 * 1024 * 1024,
  maxElementsPerInput: 1_000_000,
  maxTotalElements: 4_000_000,
  maxElementsPerTensor: 16_000_000,
  maxEvaluationElements: 200_000_000,
  maxInputs: 64,
  maxStatements: 1000,
  maxExprLength: 20_000,
  maxDepth: 64,
  maxFunctions: 16,
  maxBatchItems: 256,
  // As much as a client may send: 8 MiB carries about a million float32 values in base64.
  maxAnswerBytes: 8 * 1024 * 1024,
});
