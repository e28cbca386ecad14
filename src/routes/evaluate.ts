import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Limits } from '../../schemas/limits.js';
import { EvaluateAnswer, programSchemas } from '../../schemas/program.js';
import { answerTask } from '../plugins/evaluation.js';
import { BODY_ROUTE_PROBLEMS, jsonAnswer } from '../../schemas/responses.js';

export const evaluateRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { EvaluateRequest } = programSchemas(limits);
  app.post('/v1/evaluate', {
    schema: {
      operationId: 'evaluate',
      tags: ['evaluate'],
      summary: 'Evaluate one autograd program',
      description:
        'Builds the inputs, runs the program (an expression or a JSON graph), calls backward() as asked and answers with every input and named tensor as PyTorch would print it, plus the backward graph.',
      body: EvaluateRequest,
      response: {
        200: jsonAnswer('Every input and named tensor (or those in `outputs`) as PyTorch reports it, and the backward graph of the result.', EvaluateAnswer),
        ...BODY_ROUTE_PROBLEMS,
      },
    },
    // Inline while its measured work is small, else re-run in the worker pool under its work limit and time budget.
    handler: (request, reply) => answerTask(request, reply, 'evaluate', { request: request.body, limits }),
  });
};
