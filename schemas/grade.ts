import { z } from 'zod';
import { CHECK_DEFAULTS } from './check.js';
import { bodiesCheckedByItem } from './depth.js';
import { RunAnswer, RunRequest } from './run.js';

/**
 * Limits of POST /v1/grade and /v1/grade/batch beyond those of /v1/run (which the submission and
 * the reference are held to): how many tests and comparisons, how much test source, what one test
 * may do, and how many submissions one batch grades.
 */
export const GRADE_LIMITS = Object.freeze({
  /** Hidden tests in one request. */
  maxTests: 50,
  /** Characters of one test's source. */
  maxTestSourceChars: 20_000,
  /** Characters of all tests' source together. */
  maxTestsSourceChars: 200_000,
  /** Variables compared with the reference in one request. */
  maxCompare: 100,
  /** Points one test or comparison is worth at most (sums of points stay exact). */
  maxPoints: 1_000_000,
  /** Characters of a test's name. */
  maxNameChars: 200,
  /**
   * Interpreter steps one test may take, and work (meter units: elements, graph nodes, steps) it
   * may do; past either it fails with a TimeoutError. All tests together stay within half of the
   * pool's default work limit (POOL_MAX_WORK 100,000,000), the rest is the notebook's.
   */
  maxStepsPerTest: 30_000,
  maxWorkPerTest: 1_000_000,
  /** Submissions one batch grades. */
  maxBatchSubmissions: 500,
});

/** The fields of a tensor a comparison checks, in the order it reports them. */
export const COMPARE_FIELDS = ['shape', 'dtype', 'requires_grad', 'grad_fn', 'data', 'grad'] as const;
export type CompareField = (typeof COMPARE_FIELDS)[number];

// The course's practice exercises (the lab "Differentiation in PyTorch").
const PRACTICE_1 = 'import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()';
const PRACTICE_2 = 'import torch\nu = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 2\nf.backward()';
const PRACTICE_1_TESTS = [
  { name: 'value', points: 1, source: 'assert torch.isclose(y, torch.tensor(3.0))' },
  { name: 'derivative', points: 2, source: "assert torch.isclose(x.grad, torch.tensor(7.0)), f'dy/dx at 1 should be 7, got {x.grad}'" },
];
const PRACTICE_2_TESTS = [
  { name: 'f at u = 2, v = 1', points: 1, source: "assert torch.isclose(f, torch.tensor(6.0)), f'f should be 6, got {f}'" },
  { name: 'df/du', points: 2, source: "assert torch.isclose(u.grad, torch.tensor(5.0)), f'df/du at (2, 1) should be 5, got {u.grad}'" },
  { name: 'df/dv', points: 2, source: "assert v.grad is not None, 'v.grad is None: call f.backward()'\nassert torch.isclose(v.grad, torch.tensor(10.0)), f'df/dv at (2, 1) should be 10, got {v.grad}'" },
];

const Notebook = RunRequest;

const Points = z.number().nonnegative().max(GRADE_LIMITS.maxPoints, `at most ${GRADE_LIMITS.maxPoints} points`);

const Tolerance = z
  .strictObject({
    rtol: z.number().nonnegative().default(CHECK_DEFAULTS.rtol),
    atol: z.number().nonnegative().default(CHECK_DEFAULTS.atol),
  })
  .meta({ id: 'GradeTolerance', description: "torch.allclose's: |actual - expected| <= atol + rtol * |expected| everywhere (NaN never matches); defaults rtol 1e-5, atol 1e-8, as /v1/check." });

export const GradeTest = z
  .strictObject({
    name: z.string().trim().min(1).max(GRADE_LIMITS.maxNameChars),
    points: Points,
    source: z
      .string()
      .min(1)
      .max(GRADE_LIMITS.maxTestSourceChars)
      .describe("Python run in a copy of the submission's final namespace: an `assert` that fails fails the test (its message is the test's message); any other exception is the test's error."),
  })
  .meta({ id: 'GradeTest', description: 'A hidden test: its points are earned when its source runs without an exception.' });

export const CompareItem = z
  .strictObject({
    name: z
      .string()
      .max(GRADE_LIMITS.maxNameChars)
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Python variable name')
      .describe('A variable of both notebooks.'),
    points: Points,
    fields: z
      .array(z.enum(COMPARE_FIELDS))
      .min(1)
      .optional()
      .describe(`For tensors: the fields compared (default all: ${COMPARE_FIELDS.join(', ')}). Other values are compared by equality (numbers within the tolerance).`),
    tolerance: Tolerance.partial().optional().describe("Overrides the request's tolerance for this variable."),
  })
  .meta({ id: 'GradeCompare', description: "A variable compared between the submission's and the reference's final namespaces." });

const gradeFields = {
  tests: z.array(GradeTest).max(GRADE_LIMITS.maxTests).default([]).describe(`Hidden tests, run in order, each on its own copy of the namespace (at most ${GRADE_LIMITS.maxTests}).`),
  reference: Notebook.optional().describe("The instructor's notebook: run once, its final variables are what `compare` expects."),
  compare: z.array(CompareItem).max(GRADE_LIMITS.maxCompare).default([]).describe('Variables compared with the reference (needs `reference`).'),
  tolerance: Tolerance.default(CHECK_DEFAULTS),
  include_submission: z.boolean().default(true).describe("Whether the answer carries the submission's /v1/run answer (cells, figures, variables); false keeps batch answers small."),
};

type GradeFields = z.infer<z.ZodObject<typeof gradeFields>>;

/** The rules a body must meet beyond its fields' own. */
function checkGradeBody(body: GradeFields, ctx: z.RefinementCtx): void {
  if (body.tests.length === 0 && body.compare.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'grades nothing: give at least one test or one compare item', path: [] });
  }
  if (body.compare.length > 0 && body.reference === undefined) {
    ctx.addIssue({ code: 'custom', message: 'compare needs a reference notebook', path: ['compare'] });
  }
  if (body.reference !== undefined && body.compare.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'a reference is only used by compare: name the variables to compare', path: ['reference'] });
  }
  const seen = new Set<string>();
  let sourceChars = 0;
  body.tests.forEach((test, i) => {
    if (seen.has(test.name)) ctx.addIssue({ code: 'custom', message: `two tests are named '${test.name}'`, path: ['tests', i, 'name'] });
    seen.add(test.name);
    sourceChars += test.source.length;
  });
  if (sourceChars > GRADE_LIMITS.maxTestsSourceChars) {
    ctx.addIssue({ code: 'custom', message: `the tests hold ${sourceChars} characters of source; at most ${GRADE_LIMITS.maxTestsSourceChars} are accepted`, path: ['tests'] });
  }
}

export const GradeRequest = z
  .strictObject({
    submission: Notebook.describe("The student's notebook, run as POST /v1/run runs it."),
    ...gradeFields,
  })
  .superRefine(checkGradeBody)
  .meta({
    id: 'GradeRequest',
    description:
      "Grade one notebook: run it as /v1/run does, then each hidden test in a copy of its final namespace (modules and builtins are the real ones there, whatever the notebook rebound), and compare variables with a reference notebook.",
    examples: [
      {
        submission: { cells: [PRACTICE_1] },
        tests: PRACTICE_1_TESTS,
        reference: { cells: [PRACTICE_1] },
        compare: [
          { name: 'y', points: 1 },
          { name: 'x', fields: ['grad'], points: 1 },
        ],
      },
      // f.backward() forgotten: f is right, its partial derivatives were never computed
      { submission: { cells: [PRACTICE_2.replace('\nf.backward()', '')] }, tests: PRACTICE_2_TESTS },
    ],
  });

export type GradeRequest = z.infer<typeof GradeRequest>;

/** A batch: submissions are validated one by one (a malformed one fails alone); everything else once. */
export const GradeBatchRequest = z
  .strictObject({
    submissions: z
      .array(z.unknown())
      .min(1)
      .max(GRADE_LIMITS.maxBatchSubmissions, `more than ${GRADE_LIMITS.maxBatchSubmissions} submissions (limit maxBatchSubmissions)`)
      .describe(`Up to ${GRADE_LIMITS.maxBatchSubmissions} notebooks ({"cells": [...]} or {"source": "..."}), each graded on its own.`),
    ...gradeFields,
  })
  .superRefine(checkGradeBody)
  .meta({
    id: 'GradeBatchRequest',
    description:
      'Grade many notebooks with one set of tests and one reference: the tests are parsed and the reference is run once per batch; each submission is graded on its own, and the answers keep their order.',
    examples: [
      {
        submissions: [
          { cells: [PRACTICE_2] },
          { cells: [PRACTICE_2.replace('(u * v) ** 2', 'u * v ** 2')] },
          { cells: [PRACTICE_2.replace('f.backward()', 'f.backward(]')] },
        ],
        tests: PRACTICE_2_TESTS,
        reference: { cells: [PRACTICE_2] },
        compare: [{ name: 'f', points: 1 }],
        include_submission: false,
      },
    ],
  });

// Each submission's nesting is checked when the submission is (grading/batch.ts), so a deep one fails alone.
bodiesCheckedByItem.add(GradeBatchRequest);

export type GradeBatchRequest = z.infer<typeof GradeBatchRequest>;

const TestError = z
  .object({
    type: z.string().describe('The exception class: NameError, TypeError, TimeoutError (the test ran past its share of the budget), ...'),
    message: z.string().describe('str(exception).'),
    line: z.number().int().optional().describe("The test's line that was running."),
  })
  .meta({ id: 'GradeTestError' });

export const GradeTestResult = z
  .object({
    name: z.string().describe("The test's name, or the compared variable's."),
    kind: z.enum(['test', 'compare']),
    points: z.number().describe('Points earned: max_points when passed, else 0.'),
    max_points: z.number(),
    passed: z.boolean(),
    message: z
      .string()
      .nullable()
      .describe("Why it failed: the assertion's message (null for an assert without one), or what differed from the reference; null when passed."),
    error: TestError.nullable().describe('The exception a test raised other than AssertionError.'),
  })
  .meta({ id: 'GradeTestResult' });

export const GradeAnswer = z
  .object({
    score: z.number().describe('Points earned.'),
    max_score: z.number().describe('Points of every test and comparison.'),
    tests: z.array(GradeTestResult).describe('The tests in request order, then the comparisons.'),
    submission: RunAnswer.optional().describe("The submission's /v1/run answer (left out with include_submission: false)."),
    feedback: z.string().describe('One paragraph for the student, naming every failed check.'),
  })
  .meta({
    id: 'GradeAnswer',
    // The answer to the second GradeRequest example (f.backward() forgotten), its submission's /v1/run answer left out.
    examples: [
      {
        score: 1,
        max_score: 5,
        tests: [
          { name: 'f at u = 2, v = 1', kind: 'test', points: 1, max_points: 1, passed: true, message: null, error: null },
          {
            name: 'df/du',
            kind: 'test',
            points: 0,
            max_points: 2,
            passed: false,
            message: null,
            error: { type: 'TypeError', message: "isclose(): argument 'input' (position 1) must be Tensor, not NoneType", line: 1 },
          },
          { name: 'df/dv', kind: 'test', points: 0, max_points: 2, passed: false, message: 'v.grad is None: call f.backward()', error: null },
        ],
        feedback:
          'You earned 1 of 5 points (1 of 3 checks passed). "df/du" raised TypeError: isclose(): argument \'input\' (position 1) must be Tensor, not NoneType. "df/dv" failed: v.grad is None: call f.backward().',
      },
    ],
  });

export type GradeAnswer = z.infer<typeof GradeAnswer>;
export type GradeTestResult = z.infer<typeof GradeTestResult>;
