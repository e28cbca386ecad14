import { z } from 'zod';
import { bodiesCheckedByItem } from './depth.js';
import type { Limits } from './limits.js';
import { Problem } from './problem.js';

/** A batch: items are validated one by one, so one malformed item fails only itself. */
export function batchRequestSchema(limits: Limits, itemSchemaId: string) {
  const schema = z
    .strictObject({
      items: z
        .array(z.unknown())
        .min(1)
        .max(limits.maxBatchItems, `more than ${limits.maxBatchItems} items (limit maxBatchItems)`)
        // Validated one by one when they run (so z.unknown() here); documented as what they are.
        .meta({
          description: `Up to ${limits.maxBatchItems} ${itemSchemaId} bodies; each is validated and run on its own.`,
          items: { $ref: `#/components/schemas/${itemSchemaId}` },
        }),
    })
    .meta({ id: `${itemSchemaId}Batch` });
  // Each item's nesting is checked when the item is (grading/batch.ts).
  bodiesCheckedByItem.add(schema);
  return schema;
}

export type BatchRequest = { items: unknown[] };

/** The answer to a batch: one entry per item, in order, each with the status and body it would have had alone. */
export function batchAnswerSchema<T extends z.ZodType>(answer: T, id: string) {
  const Item = z
    .object({
      status: z.number().int().describe('The HTTP status this item would have had on its own.'),
      body: z.union([answer, Problem]).describe('The answer, or an application/problem+json body for a failure.'),
    })
    .meta({ id: `${id}Item` });
  return z
    .object({
      items: z.array(Item),
      succeeded: z.number().int(),
      failed: z.number().int(),
    })
    .meta({ id });
}
