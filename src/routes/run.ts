import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Limits } from '../../schemas/limits.js';
import { RunAnswer, RunRequest } from '../../schemas/run.js';
import { answerTask } from '../plugins/evaluation.js';
import { BODY_ROUTE_PROBLEMS, jsonAnswer } from '../../schemas/responses.js';

export const runRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post('/v1/run', {
    schema: {
      operationId: 'run',
      tags: ['notebooks'],
      summary: 'Run notebook cells (Python + PyTorch) as Jupyter would',
      description:
        "Runs the cells in order in one fresh namespace with gradserve's Python interpreter (no Python process) and answers, per cell, what Jupyter shows: stdout, the Out[n] display, the error and the figures, plus the final variables. A student's error is a result (200 with the cell's `error`); only a request that cannot be read is a 4xx. Each cell has a step budget (TimeoutError) and a recursion limit (RecursionError); the whole run has the work limit and time budget of every route.",
      body: RunRequest,
      response: {
        200: jsonAnswer("What Jupyter shows for each cell (stdout, Out[n], the error, figures) and the final variables; a student's error is a result.", RunAnswer),
        ...BODY_ROUTE_PROBLEMS,
      },
    },
    // Inline while its measured work is small, else re-run in the worker pool under its work limit and time budget.
    handler: (request, reply) => {
      const body = request.body;
      const cells = 'cells' in body ? body.cells : [body.source];
      return answerTask(request, reply, 'run', { request: { cells }, limits });
    },
  });
};
