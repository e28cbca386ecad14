import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { batchAnswerSchema, batchRequestSchema } from '../../schemas/batch.js';
import { CheckAnswer, checkSchemas } from '../../schemas/check.js';
import type { Limits } from '../../schemas/limits.js';
import { EvaluateAnswer, type EvaluateRequest as EvaluateBody, programSchemas } from '../../schemas/program.js';
import { runBatch } from '../grading/batch.js';
import { checkSubmission } from '../grading/check.js';
import { evaluateProgram } from '../program/run.js';
import { inProcessEvaluate } from './check.js';
import { problemResponses } from './evaluate.js';

const batchResponses = {
  400: problemResponses[400].describe('The body is not JSON, is not {"items": [...]}, or has more items than maxBatchItems.'),
  413: problemResponses[413],
  415: problemResponses[415],
  500: problemResponses[500],
} as const;

export const batchRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { EvaluateRequest } = programSchemas(limits);
  const { CheckRequest } = checkSchemas(limits);
  // The one evaluation call of each batch route (to move into the worker pool with the others).
  const evaluate = (body: EvaluateBody) => evaluateProgram(body, limits);
  const grade = inProcessEvaluate(limits);

  app.post('/v1/evaluate/batch', {
    schema: {
      tags: ['evaluate'],
      summary: 'Evaluate up to maxBatchItems programs',
      description:
        'Each item is an evaluate body, validated and run on its own: the answer keeps the order and gives each item the status and body it would have had alone (problem+json for failures). One bad item never fails the batch.',
      body: batchRequestSchema(limits, 'EvaluateRequest'),
      response: { 200: batchAnswerSchema(EvaluateAnswer, 'EvaluateBatchAnswer'), ...batchResponses },
    },
    handler: async (request) => runBatch(request.body.items, EvaluateRequest, evaluate, request.log),
  });

  app.post('/v1/check/batch', {
    schema: {
      tags: ['grading'],
      summary: 'Grade up to maxBatchItems submissions',
      description:
        'Each item is a check body, validated and graded on its own; the answer keeps the order and gives each item its status and body (a verdict, or problem+json for a malformed item).',
      body: batchRequestSchema(limits, 'CheckRequest'),
      response: { 200: batchAnswerSchema(CheckAnswer, 'CheckBatchAnswer'), ...batchResponses },
    },
    handler: async (request) => runBatch(request.body.items, CheckRequest, (item) => checkSubmission(item, limits, grade), request.log),
  });
};
