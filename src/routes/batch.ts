import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { batchAnswerSchema, batchRequestSchema } from '../../schemas/batch.js';
import { CheckAnswer, checkSchemas } from '../../schemas/check.js';
import type { Limits } from '../../schemas/limits.js';
import { EvaluateAnswer, programSchemas } from '../../schemas/program.js';
import { runBatch } from '../grading/batch.js';
import { runEvaluation } from '../plugins/evaluation.js';
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
  // Each item is a task of its own (inline when small, else in the pool under its own time budget);
  // at most one item per worker runs at once, so a batch never fills the pool's queue by itself.
  const options = (request: FastifyRequest) => ({ concurrency: request.server.evaluation.config.workers, log: request.log });

  app.post('/v1/evaluate/batch', {
    schema: {
      tags: ['evaluate'],
      summary: 'Evaluate up to maxBatchItems programs',
      description:
        'Each item is an evaluate body, validated and run on its own: the answer keeps the order and gives each item the status and body it would have had alone (problem+json for failures). One bad item never fails the batch.',
      body: batchRequestSchema(limits, 'EvaluateRequest'),
      response: { 200: batchAnswerSchema(EvaluateAnswer, 'EvaluateBatchAnswer'), ...batchResponses },
    },
    handler: async (request) =>
      runBatch(request.body.items, EvaluateRequest, (item) => runEvaluation(request, 'evaluate', { request: item, limits }), options(request)),
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
    handler: async (request) =>
      runBatch(request.body.items, CheckRequest, (item) => runEvaluation(request, 'check', { request: item, limits }), options(request)),
  });
};
