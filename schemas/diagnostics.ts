import { z } from 'zod';

const NonFiniteKind = z.enum(['nan', 'inf']);

export const Diagnostics = z
  .object({
    nonfinite_value: z
      .object({
        tensor: z.string().nullable().describe('The input or statement holding the value (null for an unnamed intermediate).'),
        statement: z.string().nullable().describe('The statement the value is computed in.'),
        op: z.string().nullable().describe('The op that produced it (null for an input).'),
        kind: NonFiniteKind,
        count: z.number().int(),
        message: z.string(),
      })
      .nullable()
      .describe('The first value, in evaluation order, with NaN or infinite elements.'),
    nonfinite_gradient: z
      .object({
        function: z.string().describe('The backward node, e.g. SqrtBackward0.'),
        output: z.number().int().describe('Which of its outputs (one per input of the forward op).'),
        tensor: z.string().nullable().describe('The named tensor whose grad_fn it is.'),
        kind: NonFiniteKind,
        count: z.number().int(),
        message: z.string().describe("PyTorch's anomaly-mode words: Function 'SqrtBackward0' returned nan values in its 0th output."),
      })
      .nullable()
      .describe('The first backward node, in the order backward runs, that returned NaN or infinite gradients.'),
    kinks: z
      .array(
        z.object({
          function: z.string(),
          tensor: z.string().nullable(),
          kink: z.string().describe('relu at 0, abs at 0, clamp at a bound, max ties, min ties, sqrt at 0, log at 0.'),
          convention: z.string().describe('What the backward rule did there.'),
          count: z.number().int(),
          indices: z.array(z.number().int()).describe('Flat indices of the first few elements.'),
        }),
      )
      .describe('Points where the backward pass met an op at a point it is not differentiable at, with the convention applied.'),
  })
  .meta({
    id: 'Diagnostics',
    description: 'With diagnostics: true — where values or gradients first become NaN or infinite, and the kinks the backward pass met.',
    examples: [
      {
        nonfinite_value: null,
        nonfinite_gradient: {
          function: 'SqrtBackward0',
          output: 0,
          tensor: 'y',
          kind: 'inf',
          count: 1,
          message: "Function 'SqrtBackward0' returned inf values in its 0th output.",
        },
        kinks: [
          {
            function: 'SqrtBackward0',
            tensor: 'y',
            kink: 'sqrt at 0',
            convention: "sqrt'(0) = 1 / (2 * sqrt(0)) = inf: the gradient is inf there (nan where the incoming gradient is 0)",
            count: 1,
            indices: [0],
          },
        ],
      },
    ],
  });

export type Diagnostics = z.infer<typeof Diagnostics>;
