import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CheckAnswer, checkSchemas } from '../../schemas/check.js';
import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import { checkSubmission, type Evaluate } from '../grading/check.js';
import { evaluateProgram } from '../program/run.js';
import { problemResponses } from './evaluate.js';

/** The one place checks evaluate programs (to move into the worker pool with /v1/evaluate). */
export function inProcessEvaluate(limits: Limits): Evaluate {
  return (request: EvaluateRequest) => evaluateProgram(request, limits);
}

export const checkRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { CheckRequest } = checkSchemas(limits);
  const evaluate = inProcessEvaluate(limits);
  app.post('/v1/check', {
    schema: {
      tags: ['grading'],
      summary: 'Grade a submission against expectations or a reference program',
      description:
        "Runs the submission (and the reference, on the same inputs and on optional random points) and answers with a verdict: pass, a weighted score and one entry per check with expected, actual, difference and a sentence for the student. A submission that cannot run is a graded failure (200, with PyTorch's message as feedback); 4xx only for malformed requests or a reference that cannot run.",
      body: CheckRequest,
      response: { 200: CheckAnswer, ...problemResponses },
    },
    handler: async (request) => checkSubmission(request.body, limits, evaluate),
  });
};
