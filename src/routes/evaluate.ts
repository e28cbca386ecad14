import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Limits } from '../../schemas/limits.js';
import { EvaluateAnswer, programSchemas } from '../../schemas/program.js';
import { Problem } from '../../schemas/problem.js';
import { answerTask } from '../plugins/evaluation.js';

export const problemResponses = {
  400: Problem.describe('The body is not JSON or does not have the expected shape.'),
  413: Problem.describe('The body is larger than the service accepts.'),
  415: Problem.describe('The body is not application/json.'),
  422: Problem.describe('The program is well-formed but cannot run: parse error, unknown name, shape or autograd error.'),
  500: Problem.describe('A fault of the service (never caused by the request).'),
  503: Problem.describe('Overloaded (the worker queue is full or the event loop lags) or over the time budget; see Retry-After.'),
} as const;

export const evaluateRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { EvaluateRequest } = programSchemas(limits);
  app.post('/v1/evaluate', {
    schema: {
      tags: ['evaluate'],
      summary: 'Evaluate one autograd program',
      description:
        'Builds the inputs, runs the program (an expression or a JSON graph), calls backward() as asked and answers with every input and named tensor as PyTorch would print it, plus the backward graph.',
      body: EvaluateRequest,
      response: { 200: EvaluateAnswer, ...problemResponses },
    },
    // Inline while its measured work is small, else re-run in the worker pool under its work limit and time budget.
    handler: (request, reply) => answerTask(request, reply, 'evaluate', { request: request.body, limits }),
  });
};
