import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GradcheckAnswer, gradcheckSchemas } from '../../schemas/gradcheck.js';
import type { Limits } from '../../schemas/limits.js';
import { answerTask } from '../plugins/evaluation.js';
import { BODY_ROUTE_PROBLEMS, jsonAnswer } from '../../schemas/responses.js';

export const gradcheckRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { GradcheckRequest } = gradcheckSchemas(limits);
  app.post('/v1/gradcheck', {
    schema: {
      operationId: 'gradcheck',
      tags: ['grading'],
      summary: 'Check a program’s backward rules against finite differences (torch.autograd.gradcheck)',
      description:
        "Casts the inputs to float64, computes the analytical Jacobian through the program's own backward rules (custom functions exactly as written) and a central finite-difference Jacobian, and compares them with allclose (defaults eps 1e-6, atol 1e-5, rtol 1e-3, as torch.autograd.gradcheck). A failing check is a 200 with pass: false; 422 only when the program cannot run.",
      body: GradcheckRequest,
      response: {
        200: jsonAnswer('The verdict: pass, and per input the largest errors, the worst element and both Jacobians (pass: false is a 200 too).', GradcheckAnswer),
        ...BODY_ROUTE_PROBLEMS,
      },
    },
    // Inline while its measured work is small, else re-run in the worker pool under its work limit and time budget.
    handler: (request, reply) => answerTask(request, reply, 'gradcheck', { request: request.body, limits }),
  });
};
