import { z } from 'zod';
import { PROBLEMS, type ProblemCode, problemType } from '../src/errors.js';

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Every problem type URI the service answers with: one per code of src/errors.ts. */
const PROBLEM_TYPES = (Object.keys(PROBLEMS) as ProblemCode[]).map(problemType);

export const Problem = z
  .object({
    type: z.enum(PROBLEM_TYPES).describe('A URI naming the kind of problem: https://gradserve.dev/problems/ and the code from the one table of codes.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What went wrong, in PyTorch's words where PyTorch has them."),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ pointer: z.string().describe('JSON pointer into the request body.'), detail: z.string() }))
      .optional()
      .describe('Every validation problem, for 400 answers.'),
    position: z
      .object({ line: z.number().int(), column: z.number().int(), offset: z.number().int() })
      .optional()
      .describe('Where in the expression a parse error is.'),
    node: z.string().optional().describe('The statement or graph node that failed.'),
    limit: z.object({ name: z.string(), value: z.number() }).optional().describe('The limit that was exceeded.'),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem details object (application/problem+json).' });
