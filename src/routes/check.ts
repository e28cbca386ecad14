import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CheckAnswer, checkSchemas } from '../../schemas/check.js';
import type { Limits } from '../../schemas/limits.js';
import { answerTask } from '../plugins/evaluation.js';
import { BODY_ROUTE_PROBLEMS, jsonAnswer } from '../../schemas/responses.js';

export const checkRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { CheckRequest } = checkSchemas(limits);
  app.post('/v1/check', {
    schema: {
      operationId: 'check',
      tags: ['grading'],
      summary: 'Grade a submission against expectations or a reference program',
      description:
        "Runs the submission (and the reference, on the same inputs and on optional random points) and answers with a verdict: pass, a weighted score and one entry per check with expected, actual, difference and a sentence for the student. A submission that cannot run is a graded failure (200, with PyTorch's message as feedback); 4xx only for malformed requests or a reference that cannot run.",
      body: CheckRequest,
      response: {
        200: jsonAnswer('The verdict: pass, the weighted score, one entry per check and feedback for the student (a submission that cannot run is a graded failure).', CheckAnswer),
        ...BODY_ROUTE_PROBLEMS,
      },
    },
    // The whole check (submission and reference at every point) is one task, metered as one.
    handler: (request, reply) => answerTask(request, reply, 'check', { request: request.body, limits }),
  });
};
