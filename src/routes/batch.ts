import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { batchAnswerSchema, type BatchRequest, batchRequestSchema } from '../../schemas/batch.js';
import { MAX_BODY_NESTING } from '../../schemas/depth.js';
import { CheckAnswer, checkSchemas } from '../../schemas/check.js';
import type { Limits } from '../../schemas/limits.js';
import { EvaluateAnswer, programSchemas } from '../../schemas/program.js';
import { runBatch } from '../grading/batch.js';
import type { TaskInput } from '../evaluation/tasks.js';
import { answerBody, runEvaluation } from '../plugins/evaluation.js';
import { jsonAnswer, PROBLEM_ANSWERS, problemAnswer } from '../../schemas/responses.js';

/** A batch's own problems (an item's failure, 422 included, is its entry in a 200). */
const batchResponses = {
  400: problemAnswer('The body is not JSON, is not {"items": [...]}, or has more items than maxBatchItems.'),
  413: PROBLEM_ANSWERS[413],
  415: PROBLEM_ANSWERS[415],
  429: PROBLEM_ANSWERS[429],
  500: PROBLEM_ANSWERS[500],
  503: PROBLEM_ANSWERS[503],
} as const;

export const batchRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { EvaluateRequest } = programSchemas(limits);
  const { CheckRequest } = checkSchemas(limits);
  // Each item is a task of its own (inline while its work is small, else in the pool under its own
  // time budget); at most one item per worker runs at once, so a batch never fills the pool's queue by
  // itself. The batch has one work budget (batchMaxWork) and one answer size (maxAnswerBytes) over all items.
  const answerBatch = async <K extends 'evaluate' | 'check'>(request: FastifyRequest, reply: FastifyReply, kind: K, schema: z.ZodType<TaskInput<K>['request']>) => {
    const { config } = request.server.evaluation;
    const text = await runBatch(
      (request.body as BatchRequest).items,
      schema,
      (item, budget, onWork) =>
        runEvaluation(request, reply, kind, { request: item, limits: { ...limits, maxAnswerBytes: budget.maxAnswerBytes } } as TaskInput<K>, {
          maxWork: budget.maxWork,
          maxWorkName: 'batchMaxWork',
          onWork,
          timeLeftMs: budget.timeLeftMs,
          timeLeftName: 'batchBudgetMs',
          timeLeftLimitMs: config.batchBudgetMs,
        }),
      {
        concurrency: config.workers,
        log: request.log,
        maxWork: config.batchMaxWork,
        itemMaxWork: config.poolMaxWork,
        maxAnswerBytes: limits.maxAnswerBytes,
        budgetMs: config.batchBudgetMs,
        signal: request.clientGone ?? undefined,
        maxNesting: MAX_BODY_NESTING,
      },
    );
    reply.type('application/json; charset=utf-8').send(answerBody(text));
  };

  app.post('/v1/evaluate/batch', {
    schema: {
      operationId: 'evaluateBatch',
      tags: ['evaluate'],
      summary: 'Evaluate up to maxBatchItems programs',
      description:
        'Each item is an evaluate body, validated and run on its own: the answer keeps the order and gives each item the status and body it would have had alone (problem+json for failures). One bad item never fails the batch. All items together may do at most batchMaxWork units of work and answer at most maxAnswerBytes; items past either are refused (422 limit-exceeded).',
      body: batchRequestSchema(limits, 'EvaluateRequest'),
      response: { 200: jsonAnswer('One entry per item, in order: its status and its answer or problem.', batchAnswerSchema(EvaluateAnswer, 'EvaluateBatchAnswer')), ...batchResponses },
    },
    handler: (request, reply) => answerBatch(request, reply, 'evaluate', EvaluateRequest),
  });

  app.post('/v1/check/batch', {
    schema: {
      operationId: 'checkBatch',
      tags: ['grading'],
      summary: 'Grade up to maxBatchItems submissions',
      description:
        'Each item is a check body, validated and graded on its own; the answer keeps the order and gives each item its status and body (a verdict, or problem+json for a malformed item). All items together may do at most batchMaxWork units of work and answer at most maxAnswerBytes.',
      body: batchRequestSchema(limits, 'CheckRequest'),
      response: { 200: jsonAnswer('One entry per item, in order: its status and its verdict or problem.', batchAnswerSchema(CheckAnswer, 'CheckBatchAnswer')), ...batchResponses },
    },
    handler: (request, reply) => answerBatch(request, reply, 'check', CheckRequest),
  });
};
