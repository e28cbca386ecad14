import { z } from 'zod';
import type { Limits } from './limits.js';
import { programSchemas } from './program.js';
import { WireNumber } from './tensor.js';

/** torch.autograd.gradcheck's defaults. */
export const GRADCHECK_DEFAULTS = { eps: 1e-6, atol: 1e-5, rtol: 1e-3 } as const;

const Name = z.string().max(64);

export function gradcheckSchemas(limits: Limits) {
  const { EvaluateRequest } = programSchemas(limits);
  const GradcheckRequest = z
    .strictObject({
      program: EvaluateRequest.describe('Any evaluate body; its backward options are ignored. Inputs are cast to float64 for the check.'),
      inputs: z.array(Name).max(limits.maxInputs).optional().describe('The inputs to check (default: every input that requires grad).'),
      output: Name.optional().describe('The statement whose Jacobian is checked (default: the result).'),
      eps: z.number().positive().max(1).default(GRADCHECK_DEFAULTS.eps).describe('Finite-difference step.'),
      atol: z.number().nonnegative().default(GRADCHECK_DEFAULTS.atol),
      rtol: z.number().nonnegative().default(GRADCHECK_DEFAULTS.rtol),
    })
    .meta({
      id: 'GradcheckRequest',
      description:
        "torch.autograd.gradcheck over HTTP: the analytical Jacobian (the program's own backward rules, custom functions exactly as written) against central finite differences in float64.",
      examples: [
        {
          program: {
            inputs: { x: [0.5, 1.5] },
            functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } },
            expr: 'y = SQ(x)',
          },
        },
        {
          program: {
            inputs: { x: [0.5, 1.5] },
            functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['grad_output * 2 * i'] } },
            expr: 'y = SQ(x)',
          },
        },
      ],
    });
  return { GradcheckRequest };
}

export type GradcheckRequest = z.infer<ReturnType<typeof gradcheckSchemas>['GradcheckRequest']>;

const Matrix = z.array(z.array(WireNumber));

export const GradcheckInputResult = z
  .object({
    name: z.string(),
    pass: z.boolean(),
    max_abs_error: WireNumber,
    max_rel_error: WireNumber.describe('max |analytical - numerical| / |numerical| over elements where numerical is not 0 ("Infinity" if analytical is not 0 where numerical is).'),
    worst: z
      .object({
        input_index: z.array(z.number().int()),
        output_index: z.array(z.number().int()),
        analytical: WireNumber,
        numerical: WireNumber,
      })
      .nullable()
      .describe('The element furthest outside the tolerance (or with the largest error when all pass); null for empty tensors.'),
    analytical: Matrix.optional().describe("The analytical Jacobian, rows = input elements, columns = output elements (torch's layout); only when it has at most 100 entries."),
    numerical: Matrix.optional().describe('The numerical Jacobian, same layout.'),
    message: z.string(),
  })
  .meta({ id: 'GradcheckInputResult' });

export const GradcheckAnswer = z
  .object({
    pass: z.boolean(),
    output: z.string(),
    dtype: z.literal('float64'),
    eps: z.number(),
    atol: z.number(),
    rtol: z.number(),
    inputs: z.array(GradcheckInputResult),
    message: z.string(),
  })
  .meta({
    id: 'GradcheckAnswer',
    description: 'Pass when every checked input passes.',
    examples: [
      {
        pass: false,
        output: 'y',
        dtype: 'float64',
        eps: 1e-6,
        atol: 1e-5,
        rtol: 1e-3,
        inputs: [
          {
            name: 'x',
            pass: false,
            max_abs_error: 3,
            max_rel_error: 2,
            worst: { input_index: [1], output_index: [0], analytical: 3, numerical: 0 },
            analytical: [[1, 1], [3, 3]],
            numerical: [[1, 0], [0, 3]],
            message:
              "Jacobian mismatch for output 'y' with respect to input 'x': the analytical and numerical Jacobians differ; worst at input element [1], output element [0]: analytical 3, numerical 0",
          },
        ],
        message: "gradcheck failed for input 'x': the analytical and numerical Jacobians differ",
      },
    ],
  });

export type GradcheckAnswer = z.infer<typeof GradcheckAnswer>;
