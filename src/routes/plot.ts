import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Limits } from '../../schemas/limits.js';
import { type PlotRequest, plotSchemas, PlotSvg } from '../../schemas/plot.js';
import { answerTask } from '../plugins/evaluation.js';
import { BODY_ROUTE_PROBLEMS, PROBLEM_ANSWERS } from '../../schemas/responses.js';

const svgResponse = { description: 'The chart as SVG: the function (blue) and its derivative (orange), axes and a legend.', content: { 'image/svg+xml': { schema: PlotSvg } } };

export const plotRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { PlotRequest, PlotQuery } = plotSchemas(limits);

  app.post('/v1/plot', {
    schema: {
      operationId: 'plot',
      tags: ['evaluate'],
      summary: 'Plot a function and its derivative',
      description:
        'Runs the program with one input varying over a range and answers with an SVG chart of the function (blue) and its derivative (orange), computed by the engine with the sum trick.',
      body: PlotRequest,
      response: { 200: svgResponse, ...BODY_ROUTE_PROBLEMS },
    },
    // Sampling and rendering both run in the worker pool under the work limit and time budget.
    handler: (request, reply) => answerTask(request, reply, 'plot', { request: request.body, limits }),
  });

  app.get('/v1/plot', {
    schema: {
      operationId: 'plotQuery',
      tags: ['evaluate'],
      summary: 'Plot a function and its derivative (query form, for curl)',
      description: 'The same chart for `expr` over `torch.linspace(from, to, steps)` bound to `axis` (default x).',
      querystring: PlotQuery,
      response: {
        200: svgResponse,
        400: PROBLEM_ANSWERS[400],
        422: PROBLEM_ANSWERS[422],
        429: PROBLEM_ANSWERS[429],
        500: PROBLEM_ANSWERS[500],
        503: PROBLEM_ANSWERS[503],
      },
    },
    handler: async (request, reply) => {
      const { expr, from, to, steps, axis, of } = request.query;
      const body: PlotRequest = { inputs: { [axis]: { linspace: { start: from, end: to, steps }, dtype: 'float32', requires_grad: true } }, expr, axis, of };
      return answerTask(request, reply, 'plot', { request: body, limits });
    },
  });
};
