import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { batchAnswerSchema } from '../../schemas/batch.js';
import { MAX_BODY_NESTING } from '../../schemas/depth.js';
import { GradeAnswer, GradeBatchRequest, GradeRequest } from '../../schemas/grade.js';
import type { Limits } from '../../schemas/limits.js';
import { RunRequest } from '../../schemas/run.js';
import { ProblemError } from '../errors.js';
import type { GradeJob, ReferenceValues } from '../grading/grade.js';
import { runBatch } from '../grading/batch.js';
import { answerBody, answerTask, runEvaluation } from '../plugins/evaluation.js';
import { PythonSyntaxError } from '../python/parser.js';
import { parseCached } from '../python/run.js';
import { jsonAnswer, PROBLEM_ANSWERS, problemAnswer } from '../../schemas/responses.js';

type Notebook = RunRequest;

function cellsOf(notebook: Notebook): string[] {
  return 'cells' in notebook ? notebook.cells : [notebook.source];
}

/** Everything of a grading body but the submission: what a batch shares among its submissions. */
function sharedJob(body: GradeRequest | GradeBatchRequest): Omit<GradeJob, 'submission'> {
  return {
    tests: body.tests,
    compare: body.compare,
    tolerance: body.tolerance,
    ...(body.reference ? { reference: cellsOf(body.reference) } : {}),
    includeSubmission: body.include_submission,
  };
}

/**
 * Tests are the instructor's: one that does not parse is a 400 naming it, before any notebook
 * runs. Parsed into the parse cache: tasks that run inline find them there, and each worker
 * parses them once for all the submissions it grades.
 */
function refuseUnparsableTests(tests: GradeRequest['tests']): void {
  const errors: { pointer: string; detail: string }[] = [];
  tests.forEach((test, i) => {
    try {
      parseCached(test.source);
    } catch (error) {
      if (!(error instanceof PythonSyntaxError)) throw error;
      errors.push({ pointer: `/tests/${i}/source`, detail: `test '${test.name}' does not parse: ${error.type} at line ${error.lineno}: ${error.message}` });
    }
  });
  if (errors.length > 0) throw new ProblemError('invalid-request', errors.map((e) => e.detail).join('; '), { errors });
}

/** Every error is application/problem+json; what each status means here. */
const gradeResponses = {
  ...PROBLEM_ANSWERS,
  400: problemAnswer('The body is not JSON or does not have the expected shape, or a test does not parse; `errors` has a JSON pointer per problem.'),
  422: problemAnswer('The reference notebook raised an error (reference-failed), compare names a variable it does not define (unknown-name), or a work limit was passed (limit-exceeded).'),
} as const;

export const gradeRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post('/v1/grade', {
    schema: {
      operationId: 'grade',
      tags: ['grading'],
      summary: 'Grade a notebook with hidden tests and a reference notebook',
      description:
        "Runs the submission as POST /v1/run does, then each hidden test in a copy of its final namespace (what one test changes, the next does not see; builtins and the modules torch, F, nn, math, np, numpy, plt and matplotlib are the real ones in tests whatever the submission rebound, and modules are read-only to every program), and compares the variables `compare` names with the reference notebook's. A failed assert fails its test with the assertion's message; any other exception is the test's error; a test past its share of the budget fails with a TimeoutError. The answer has the score, one entry per test and comparison, the submission's /v1/run answer and a feedback paragraph for the student. Student errors are results (200); 4xx for a malformed request, a test that does not parse (400) or a reference that cannot run (422).",
      body: GradeRequest,
      response: { 200: jsonAnswer('The score, one entry per test and comparison, the submission\'s /v1/run answer and feedback for the student.', GradeAnswer), ...gradeResponses },
    },
    // One task (reference, submission, tests): inline while its measured work is small, else in the worker pool.
    handler: (request, reply) => {
      const body = request.body;
      refuseUnparsableTests(body.tests);
      return answerTask(request, reply, 'grade', { request: { ...sharedJob(body), submission: cellsOf(body.submission) }, limits });
    },
  });

  // Submissions are validated one by one (a malformed or deep one fails alone): the body's nesting
  // is checked per item by runBatch, and zod never walks into an item.
  app.post('/v1/grade/batch', {
    schema: {
      operationId: 'gradeBatch',
      tags: ['grading'],
      summary: 'Grade up to maxBatchSubmissions notebooks with one set of tests and one reference',
      description:
        'The tests are parsed and the reference notebook is run once for the whole batch; then each submission is graded as POST /v1/grade grades it, as a task of its own (inline when small, else in the worker pool under its own time budget). The answer keeps the order and gives each submission the status and body it would have had alone (problem+json for a malformed submission); one broken submission never fails the batch. All submissions together (and the reference) may do at most batchMaxWork units of work and answer at most maxAnswerBytes; submissions past either are refused (422 limit-exceeded). The submissions have one time budget (batchBudgetMs, counted once the reference has run, which has one of its own): submissions that would start past it are 503 timeout without running. `include_submission: false` leaves the /v1/run answers out.',
      body: GradeBatchRequest,
      response: {
        200: jsonAnswer('One entry per submission, in order: its status and its grade or problem.', batchAnswerSchema(GradeAnswer, 'GradeBatchAnswer')),
        ...gradeResponses,
      },
    },
    handler: async (request, reply) => {
      const body = request.body;
      refuseUnparsableTests(body.tests);
      const { config } = request.server.evaluation;
      const { reference, ...shared } = sharedJob(body);
      let expected: ReferenceValues = [];
      let referenceWork = 0;
      if (reference !== undefined) {
        const { text } = await runEvaluation(
          request,
          reply,
          'grade_reference',
          { request: { cells: reference, compare: body.compare }, limits },
          {
            maxWork: config.batchMaxWork,
            maxWorkName: 'batchMaxWork',
            onWork: (work) => (referenceWork = work),
            timeLeftMs: config.batchBudgetMs,
            timeLeftName: 'batchBudgetMs',
          },
        );
        expected = JSON.parse(text) as ReferenceValues;
      }
      // The reference's work counts towards the batch's budget: it is charged with the first submission that starts.
      let referenceUncharged = referenceWork;
      const text = await runBatch(
        body.submissions,
        RunRequest,
        (submission, budget, onWork) => {
          const reference = referenceUncharged;
          referenceUncharged = 0;
          if (budget.maxWork <= reference) {
            onWork(reference);
            throw new ProblemError('limit-exceeded', `the batch has done all the work it may (limit batchMaxWork ${config.batchMaxWork}); send the remaining items in another batch`, {
              limit: { name: 'batchMaxWork', value: config.batchMaxWork },
            });
          }
          return runEvaluation(
            request,
            reply,
            'grade',
            { request: { ...shared, expected, submission: cellsOf(submission) }, limits: { ...limits, maxAnswerBytes: budget.maxAnswerBytes } },
            {
              maxWork: budget.maxWork - reference,
              maxWorkName: 'batchMaxWork',
              onWork: (work) => onWork(work + reference),
              timeLeftMs: budget.timeLeftMs,
              timeLeftName: 'batchBudgetMs',
            },
          );
        },
        {
          concurrency: config.workers,
          log: request.log,
          maxWork: config.batchMaxWork,
          itemMaxWork: config.poolMaxWork,
          maxAnswerBytes: limits.maxAnswerBytes,
          // The submissions' time budget counts from here: the reference ran within one of its own.
          budgetMs: config.batchBudgetMs,
          signal: request.clientGone ?? undefined,
          maxNesting: MAX_BODY_NESTING,
        },
      );
      // The items' texts are sent as their tasks made them (no second serialization).
      (reply as FastifyReply).type('application/json; charset=utf-8').send(answerBody(text));
    },
  });
};
