import { z } from 'zod';
import type { Limits } from './limits.js';
import { Problem } from './problem.js';
import { programSchemas } from './program.js';
import { NestedNumbers, WireNumber } from './tensor.js';

/** torch.allclose's defaults. */
export const CHECK_DEFAULTS = { rtol: 1e-5, atol: 1e-8 } as const;
/** Extra random points a reference check may ask for. */
export const MAX_POINTS = 32;
/** The largest weight of one check: sums of weights stay far from overflowing the score. */
export const MAX_WEIGHT = 1_000_000;

/** The fields of an expected tensor that are checked (rtol and atol only tune them). */
const CHECKED_FIELDS = ['data', 'grad', 'shape', 'requires_grad'] as const;

const Name = z.string().max(64);

const Tolerance = z
  .strictObject({
    rtol: z.number().nonnegative().default(CHECK_DEFAULTS.rtol),
    atol: z.number().nonnegative().default(CHECK_DEFAULTS.atol),
  })
  .meta({ id: 'Tolerance', description: 'allclose: |actual - expected| <= atol + rtol * |expected| everywhere (NaN never matches).' });

const ExpectedTensor = z
  .strictObject({
    data: NestedNumbers.optional().describe('Expected values.'),
    grad: NestedNumbers.nullable().optional().describe('Expected .grad; null expects no gradient.'),
    shape: z.array(z.number().int().nonnegative()).max(8).optional(),
    requires_grad: z.boolean().optional(),
    rtol: z.number().nonnegative().optional().describe('Overrides the request tolerance for this tensor.'),
    atol: z.number().nonnegative().optional(),
  })
  .meta({ id: 'ExpectedTensor' });

const Expectations = z
  .strictObject({
    tensors: z.record(Name, ExpectedTensor).default({}),
    grad_fn: z.record(Name, z.string().max(128).nullable()).default({}).describe('Expected grad_fn names (null: a leaf or no grad_fn).'),
  })
  .superRefine((expected, ctx) => {
    // An expectation that checks nothing would pass every submission.
    for (const [name, tensor] of Object.entries(expected.tensors)) {
      if (!CHECKED_FIELDS.some((field) => tensor[field] !== undefined)) {
        ctx.addIssue({ code: 'custom', message: `expects nothing of '${name}': give at least one of ${CHECKED_FIELDS.join(', ')}`, path: ['tensors', name] });
      }
    }
    if (Object.keys(expected.tensors).length === 0 && Object.keys(expected.grad_fn).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expects nothing: give at least one tensor under tensors or one grad_fn', path: [] });
    }
  })
  .meta({ id: 'Expectations', description: 'What the submission should give: values, gradients, shapes, grad_fn names.' });

const Points = z
  .union([
    z.number().int().min(0).max(MAX_POINTS),
    z.strictObject({
      count: z.number().int().min(0).max(MAX_POINTS),
      seed: z.number().int().default(0),
      low: z.number().default(-2),
      high: z.number().default(2),
    }),
  ])
  .meta({
    id: 'Points',
    description: `Extra random inputs (uniform in [low, high], default [-2, 2], from seed, default 0) on which submission and reference must also agree; at most ${MAX_POINTS}.`,
  });

const schemasByLimits = new WeakMap<Limits, ReturnType<typeof buildCheckSchemas>>();

/** One set per limits object: the check and batch routes share it (one schema per OpenAPI id). */
export function checkSchemas(limits: Limits) {
  let schemas = schemasByLimits.get(limits);
  if (schemas === undefined) {
    schemas = buildCheckSchemas(limits);
    schemasByLimits.set(limits, schemas);
  }
  return schemas;
}

function buildCheckSchemas(limits: Limits) {
  const { EvaluateRequest } = programSchemas(limits);
  const CheckRequest = z
    .strictObject({
      submission: EvaluateRequest.describe("The student's program (an evaluate body)."),
      expected: Expectations.optional(),
      reference: EvaluateRequest.optional().describe(
        "The instructor's program, run on the submission's inputs (leave its inputs out). Compared: its result against the submission's result, and every input's .grad.",
      ),
      compare: z.array(Name).max(limits.maxStatements).optional().describe('With a reference: the names to compare (value, and .grad where the reference has one) instead of the default.'),
      points: Points.optional(),
      tolerance: Tolerance.default(CHECK_DEFAULTS),
      weights: z
        .record(z.string().max(80), z.number().nonnegative().max(MAX_WEIGHT, `at most ${MAX_WEIGHT}`))
        .optional()
        .describe(`Weight per check name (\`y\`, \`x.grad\`, \`y.grad_fn\`); default 1, at most ${MAX_WEIGHT}.`),
    })
    .superRefine((body, ctx) => {
      if ((body.expected === undefined) === (body.reference === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give exactly one of expected or reference', path: [] });
      }
      if (body.reference && Object.keys(body.reference.inputs).length > 0) {
        ctx.addIssue({ code: 'custom', message: "the reference runs on the submission's inputs: give inputs only in submission", path: ['reference', 'inputs'] });
      }
      if (body.points !== undefined && body.reference === undefined) {
        ctx.addIssue({ code: 'custom', message: 'points need a reference program to compute the expected values', path: ['points'] });
      }
      if (body.compare !== undefined && body.reference === undefined) {
        ctx.addIssue({ code: 'custom', message: 'compare needs a reference program', path: ['compare'] });
      }
    })
    .meta({
      id: 'CheckRequest',
      description: 'Grade one submission against explicit expectations or a reference program.',
      examples: [
        {
          submission: { inputs: { x: 1 }, expr: 'y = 2 * x ** 3 + x' },
          expected: { tensors: { y: { data: 3 }, x: { grad: 7 } }, grad_fn: { y: 'AddBackward0' } },
        },
        {
          submission: { inputs: { x: 1 }, expr: 'y = 2 * x * x * x + x' },
          reference: { expr: 'y = 2 * x ** 3 + x' },
          points: 5,
        },
      ],
    });
  return { CheckRequest };
}

export type CheckRequest = z.infer<ReturnType<typeof checkSchemas>['CheckRequest']>;
export type Expectations = z.infer<typeof Expectations>;

const CheckValue = z.union([NestedNumbers, z.string(), z.boolean(), z.array(z.number()), z.null()]);

export const CheckEntry = z
  .object({
    check: z.string().describe('What is checked: `y` (values), `x.grad`, `y.grad_fn`, `y.shape`, `y.requires_grad`.'),
    point: z.number().int().describe('0 for the given inputs, 1.. for the random points.'),
    inputs: z.record(z.string(), NestedNumbers).optional().describe('The input values of a random point.'),
    pass: z.boolean(),
    weight: z.number(),
    expected: CheckValue,
    actual: CheckValue,
    difference: WireNumber.nullable().describe('max |actual - expected| for numeric checks of equal shape.'),
    message: z.string().describe('A sentence for the student.'),
  })
  .meta({ id: 'CheckEntry' });

export const CheckAnswer = z
  .object({
    pass: z.boolean(),
    score: z.number().describe('Weighted fraction of checks passed (0 when the submission cannot run).'),
    checks: z.array(CheckEntry),
    feedback: z.string().describe('One paragraph for the student.'),
    error: Problem.optional().describe("Why the submission could not run, in PyTorch's words."),
  })
  .meta({
    id: 'CheckAnswer',
    examples: [
      {
        pass: false,
        score: 0.5,
        checks: [
          { check: 'y', point: 0, pass: true, weight: 1, expected: 3, actual: 3, difference: 0, message: 'y: 3, as expected' },
          { check: 'x.grad', point: 0, pass: false, weight: 1, expected: 7, actual: 6, difference: 1, message: 'x.grad: expected 7, got 6' },
        ],
        feedback: '1 of 2 checks passed. x.grad: expected 7, got 6',
      },
    ],
  });

export type CheckAnswer = z.infer<typeof CheckAnswer>;
export type CheckEntry = z.infer<typeof CheckEntry>;
