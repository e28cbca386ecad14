import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Measurement } from '../../src/evaluation/runner.js';
import { GRADE_LIMITS } from '../../schemas/grade.js';
import { RUN_LIMITS } from '../../schemas/run.js';
import { PRACTICE_DERIVATIVE, PRACTICE_PARTIALS, practiceBatch } from '../../bench/grade_submissions.js';
import { NOTEBOOK_EXAMPLES } from '../../web/src/examples.js';

// Everything inline (the pooled path has its own describe): a slow machine then never waits for threads.
let app: FastifyInstance;
const measured: Measurement[] = [];
beforeAll(async () => {
  app = await buildApp({ operations: { evaluation: { inlineMaxWork: 1e9, workers: 1, batchBudgetMs: 120_000 } } });
  app.evaluation.onMeasured((m) => measured.push(m));
});
afterAll(() => app.close());

async function post(url: string, payload: unknown, server: FastifyInstance = app) {
  const response = await server.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

/** The issue's example: the practice's first cell, two tests and two comparisons with the reference. */
const ISSUE_EXAMPLE = {
  submission: { cells: ['import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()'] },
  tests: [
    { name: 'value', points: 1, source: 'assert torch.isclose(y, torch.tensor(3.0))' },
    { name: 'derivative', points: 2, source: "assert torch.isclose(x.grad, torch.tensor(7.0)), f'dy/dx at 1 should be 7, got {x.grad}'" },
  ],
  reference: { cells: ['import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()'] },
  compare: [
    { name: 'y', points: 1 },
    { name: 'x', fields: ['grad'], points: 1 },
  ],
};

describe('POST /v1/grade', () => {
  it("the issue's example: every test and comparison passes, with the submission's /v1/run answer", async () => {
    const r = await post('/v1/grade', ISSUE_EXAMPLE);
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/json');
    expect(r.body.score).toBe(5);
    expect(r.body.max_score).toBe(5);
    expect(r.body.tests).toEqual([
      { name: 'value', kind: 'test', points: 1, max_points: 1, passed: true, message: null, error: null },
      { name: 'derivative', kind: 'test', points: 2, max_points: 2, passed: true, message: null, error: null },
      { name: 'y', kind: 'compare', points: 1, max_points: 1, passed: true, message: null, error: null },
      { name: 'x', kind: 'compare', points: 1, max_points: 1, passed: true, message: null, error: null },
    ]);
    const run = await post('/v1/run', ISSUE_EXAMPLE.submission);
    expect(r.body.submission).toEqual(run.body);
    expect(r.body.feedback).toBe('All 4 checks passed: 5 of 5 points.');
  });

  it('a wrong answer: the failed assertions, the differences from the reference, the feedback a student reads', async () => {
    const r = await post('/v1/grade', { ...ISSUE_EXAMPLE, submission: { source: 'import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3\ny.backward()' } });
    expect(r.status).toBe(200);
    expect(r.body.score).toBe(0);
    expect(r.body.tests.map((t: { message: string | null }) => t.message)).toEqual([
      null,
      'dy/dx at 1 should be 7, got 6.0',
      'y.grad_fn is MulBackward0, expected AddBackward0; y is 2, expected 3 (off by 1)',
      'x.grad is 6, expected 7 (off by 1)',
    ]);
    expect(r.body.feedback).toBe(
      'You earned 0 of 5 points (0 of 4 checks passed). "value" failed. "derivative" failed: dy/dx at 1 should be 7, got 6.0. Compared with the reference, y.grad_fn is MulBackward0, expected AddBackward0; y is 2, expected 3 (off by 1). Compared with the reference, x.grad is 6, expected 7 (off by 1).',
    );
  });

  it("the playground's Grade panel: the lab's practice tests (5 points) without a reference", async () => {
    const cells = PRACTICE_PARTIALS.reference;
    const r = await post('/v1/grade', { submission: { cells }, tests: PRACTICE_PARTIALS.tests });
    expect(r.status).toBe(200);
    expect([r.body.score, r.body.max_score]).toEqual([5, 5]);
    expect(r.body.tests.filter((t: { passed: boolean }) => t.passed)).toHaveLength(3);
    expect(r.body.submission.cells).toHaveLength(2);
  });

  it("the playground's lab notebook (19 cells, plots included) with its Grade panel's tests: 5 of 5, 3 passed", async () => {
    const lab = NOTEBOOK_EXAMPLES.find((n) => n.id === 'lab');
    const r = await post('/v1/grade', { submission: { cells: lab?.cells }, tests: lab?.tests });
    expect(r.status).toBe(200);
    expect([r.body.score, r.body.max_score]).toEqual([5, 5]);
    expect(r.body.tests.filter((t: { passed: boolean }) => t.passed)).toHaveLength(3);
    expect(r.body.submission.cells[1].stdout).toBe('The tensor x:  tensor(2., requires_grad=True)\n');
  });

  it('include_submission: false leaves the /v1/run answer out', async () => {
    const r = await post('/v1/grade', { ...ISSUE_EXAMPLE, include_submission: false });
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('submission');
    expect(r.body.score).toBe(5);
  });

  it('every example of the OpenAPI document is graded', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const [path, id] of [['/v1/grade', 'GradeRequest'], ['/v1/grade/batch', 'GradeBatchRequest']] as const) {
      expect(doc.paths[path].post.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${id}`);
      const examples = doc.components.schemas[id].examples as unknown[];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) expect((await post(path, example)).status).toBe(200);
    }
    // The documented answer is the answer to the second request example.
    const second = doc.components.schemas.GradeRequest.examples[1];
    expect((await post('/v1/grade', { ...second, include_submission: false })).body).toEqual(doc.components.schemas.GradeAnswer.examples[0]);
  });

  it("a student's errors are results; an instructor's are problems: a test that does not parse is a 400 naming it", async () => {
    const r = await post('/v1/grade', { ...ISSUE_EXAMPLE, tests: [ISSUE_EXAMPLE.tests[0], { name: 'typo', points: 1, source: 'assert x.grad ==' }] });
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.errors).toEqual([{ pointer: '/tests/1/source', detail: "test 'typo' does not parse: SyntaxError at line 1: invalid syntax" }]);
  });

  it('a reference that raises is a 422 reference-failed; comparing a name it does not define, 422 unknown-name', async () => {
    const raises = await post('/v1/grade', { ...ISSUE_EXAMPLE, reference: { source: 'import torch\ny = torch.tensor(1.0)\ny.backward()' } });
    expect(raises.status).toBe(422);
    expect(raises.body).toMatchObject({ type: expect.stringMatching(/reference-failed$/), title: 'The reference notebook cannot run' });
    expect(raises.body.detail).toBe('the reference notebook raised RuntimeError in cell 1 (line 3): element 0 of tensors does not require grad and does not have a grad_fn');
    const missing = await post('/v1/grade', { ...ISSUE_EXAMPLE, compare: [{ name: 'w', points: 1 }] });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toBe("compare names 'w', which the reference notebook does not define");
  });

  it('limits and malformed bodies are 400s that say what is wrong', async () => {
    const test = { name: 't', points: 1, source: 'assert True' };
    const cases: [unknown, string][] = [
      [{ submission: { source: 'x = 1' } }, 'grades nothing: give at least one test or one compare item'],
      [{ submission: { source: 'x = 1' }, tests: [test], compare: [{ name: 'x', points: 1 }] }, 'compare needs a reference notebook'],
      [{ submission: { source: 'x = 1' }, tests: [test], reference: { source: 'x = 1' } }, 'a reference is only used by compare: name the variables to compare'],
      [{ submission: { source: 'x = 1' }, tests: [test, test] }, "two tests are named 't'"],
      [{ submission: { source: 'x = 1' }, tests: Array.from({ length: GRADE_LIMITS.maxTests + 1 }, (_, i) => ({ ...test, name: `t${i}` })) }, `${GRADE_LIMITS.maxTests}`],
      [{ submission: { source: 'x = 1' }, tests: [{ ...test, source: 'x'.repeat(GRADE_LIMITS.maxTestSourceChars + 1) }] }, `${GRADE_LIMITS.maxTestSourceChars}`],
      [{ submission: { source: 'x = 1' }, tests: [{ ...test, points: GRADE_LIMITS.maxPoints + 1 }] }, `at most ${GRADE_LIMITS.maxPoints} points`],
      [{ submission: { source: 'x = 1' }, tests: [{ ...test, points: -1 }] }, '>=0'],
      [{ submission: { source: 'x = 1' }, tests: [{ ...test, name: '  ' }] }, '>=1'],
      [{ submission: { source: 'x = 1' }, tests: [test], reference: { source: 'x = 1' }, compare: [{ name: 'x.grad', points: 1 }] }, 'a Python variable name'],
      [{ submission: { source: 'x = 1' }, tests: [test], reference: { source: 'x = 1' }, compare: [{ name: 'x', points: 1, fields: ['value'] }] }, 'shape'],
      [{ submission: { cells: Array.from({ length: RUN_LIMITS.maxCells + 1 }, () => 'x = 1') }, tests: [test] }, `${RUN_LIMITS.maxCells}`],
      [{ submission: { source: 'x = 1' }, tests: [test], extra: true }, 'extra'],
    ];
    for (const [body, words] of cases) {
      const r = await post('/v1/grade', body);
      expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(JSON.stringify(r.body), JSON.stringify(body).slice(0, 200)).toContain(words);
    }
  });
});

type Item = { status: number; body: { score: number; max_score: number; tests: unknown[]; feedback: string; submission?: unknown; type?: string; detail?: string; limit?: { name: string; value: number } } };

describe('POST /v1/grade/batch', () => {

  function checkBatch(body: { items: Item[]; succeeded: number; failed: number }, expected: { status: number; score?: number }[], maxScore: number) {
    expect(body.items).toHaveLength(expected.length);
    body.items.forEach((item, i) => {
      const want = expected[i];
      expect(item.status, `submission ${i}`).toBe(want.status);
      if (want.score !== undefined) {
        expect(item.body.score, `submission ${i}: ${item.body.feedback}`).toBe(want.score);
        expect(item.body.max_score).toBe(maxScore);
        expect(item.body).not.toHaveProperty('submission');
      } else {
        expect(item.body.type).toMatch(/invalid-request$/);
      }
    });
    const graded = expected.filter((e) => e.status === 200).length;
    expect([body.succeeded, body.failed]).toEqual([graded, expected.length - graded]);
  }

  for (const [exercise, maxScore, seed] of [
    [PRACTICE_DERIVATIVE, 5, 12],
    [PRACTICE_PARTIALS, 6, 34],
  ] as const) {
    it(`200 submissions of the practice "${exercise.name}", right, wrong, broken and malformed: each graded on its own, in order; the reference runs once`, async () => {
      const { body, expected } = practiceBatch(exercise, 200, seed);
      // the generated class has every kind of answer
      expect(new Set(expected.map((e) => e.score ?? e.status)).size).toBeGreaterThanOrEqual(4);
      measured.length = 0;
      const r = await post('/v1/grade/batch', body);
      expect(r.status).toBe(200);
      checkBatch(r.body, expected, maxScore);
      const kinds = measured.map((m) => m.kind);
      expect(kinds.filter((k) => k === 'grade_reference')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'grade')).toHaveLength(expected.filter((e) => e.status === 200).length);
    });
  }

  it('a graded item is exactly what POST /v1/grade answers for that submission', async () => {
    const { body } = practiceBatch(PRACTICE_PARTIALS, 6, 5, true);
    const r = await post('/v1/grade/batch', body);
    for (const [i, submission] of body.submissions.entries()) {
      if (r.body.items[i].status !== 200) continue;
      const alone = await post('/v1/grade', { submission, tests: body.tests, reference: body.reference, compare: body.compare });
      // made-up object addresses differ from run to run, as CPython's do
      const addressesHidden = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/0x[0-9a-f]+/g, '0x?'));
      expect(addressesHidden(r.body.items[i].body)).toEqual(addressesHidden(alone.body));
    }
  });

  it('the batch has one work budget (the reference included): submissions past it are refused (422), those before are graded', async () => {
    const { body, expected } = practiceBatch(PRACTICE_DERIVATIVE, 20, 7);
    const submissions = body.submissions.filter((_, i) => expected[i].status === 200);
    measured.length = 0;
    await post('/v1/grade/batch', { ...body, submissions });
    const work = measured.map((m) => m.work);
    expect(measured.map((m) => m.kind)).toEqual(['grade_reference', ...submissions.map(() => 'grade')]);
    // room for the reference, five submissions and half of the sixth
    const budget = work[0] + work.slice(1, 6).reduce((a, b) => a + b, 0) + Math.floor(work[6] / 2);
    const tight = await buildApp({ operations: { evaluation: { inlineMaxWork: 1e9, workers: 1, batchMaxWork: budget, batchBudgetMs: 120_000 } } });
    try {
      const r = await post('/v1/grade/batch', { ...body, submissions }, tight);
      expect(r.status).toBe(200);
      expect(r.body.items.map((i: Item) => i.status)).toEqual(submissions.map((_, i) => (i < 5 ? 200 : 422)));
      expect(r.body.items[5].body.detail).toMatch(/limit batchMaxWork/);
      expect(r.body.items[6].body.detail).toBe(`the batch has done all the work it may (limit batchMaxWork ${budget}); send the remaining items in another batch`);
    } finally {
      await tight.close();
    }
  });

  it('the submissions have one time budget: past it, they are 503 timeout without running', async () => {
    const { body, expected } = practiceBatch(PRACTICE_DERIVATIVE, 6, 9);
    const slow = await buildApp({ operations: { evaluation: { inlineMaxWork: 1e9, workers: 1, batchBudgetMs: 0 } } });
    try {
      const r = await post('/v1/grade/batch', body, slow);
      expect(r.status).toBe(200);
      const graded = r.body.items.filter((_: Item, i: number) => expected[i].status === 200);
      expect(graded.map((i: Item) => [i.status, i.body.limit])).toEqual(graded.map(() => [503, { name: 'batchBudgetMs', value: 0 }]));
    } finally {
      await slow.close();
    }
  });

  it('more submissions than maxBatchSubmissions, or a test that does not parse, fails the whole batch with a 400', async () => {
    const { body } = practiceBatch(PRACTICE_PARTIALS, 1);
    const tooMany = await post('/v1/grade/batch', { ...body, submissions: Array.from({ length: GRADE_LIMITS.maxBatchSubmissions + 1 }, () => body.submissions[0]) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.detail).toContain('maxBatchSubmissions');
    const typo = await post('/v1/grade/batch', { ...body, tests: [{ name: 'typo', points: 1, source: 'assert (' }] });
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0].pointer).toBe('/tests/0/source');
  });
});

describe('grading in the worker pool', () => {
  let pooled: FastifyInstance;
  beforeAll(async () => {
    // Generous time limits: a worker that loads TypeScript sources on a busy machine is slow to start.
    pooled = await buildApp({ operations: { evaluation: { inlineMaxWork: 0, workers: 1, batchMaxWork: 400_000, budgetMs: 30_000, queueTimeoutMs: 60_000 } } });
    await pooled.evaluation.warm();
  }, 120_000);
  afterAll(() => pooled.close());

  it('a grade and a batch run in a worker give the answers they give inline', async () => {
    const single = await post('/v1/grade', ISSUE_EXAMPLE, pooled);
    expect(single.status).toBe(200);
    expect(single.body).toEqual((await post('/v1/grade', ISSUE_EXAMPLE)).body);
    const { body } = practiceBatch(PRACTICE_DERIVATIVE, 4, 3);
    const batch = await post('/v1/grade/batch', body, pooled);
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual((await post('/v1/grade/batch', body)).body);
  }, 60_000);

});
