import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Limits } from '../../schemas/limits.js';
import { type PlotRequest, plotSchemas, PlotSvg } from '../../schemas/plot.js';
import { Problem } from '../../schemas/problem.js';
import { renderChartSvg } from '../plot/chart.js';
import { samplePlot } from '../plot/sample.js';
import { problemResponses } from './evaluate.js';

const SVG = 'image/svg+xml; charset=utf-8';
const svgResponse = { description: 'The chart as SVG.', content: { 'image/svg+xml': { schema: PlotSvg } } };

/** The first line of the program, shortened: the chart's title. */
function titleOf(request: PlotRequest): string {
  const text = request.expr ?? request.graph?.map((node) => `${node.id} = ${node.op}(…)`).join('; ') ?? '';
  const oneLine = text.split(/\r?\n|;/).map((s) => s.trim()).filter(Boolean).join('; ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 79)}…` : oneLine;
}

export const plotRoutes: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  const { PlotRequest, PlotQuery } = plotSchemas(limits);

  const plot = async (request: PlotRequest, log: { info: (o: object, m: string) => void }) => {
    const series = samplePlot(request, limits);
    log.info({ axis: series.axis, of: series.of, points: series.x.length }, 'plot sampled');
    return renderChartSvg(series, { title: titleOf(request) });
  };

  app.post('/v1/plot', {
    schema: {
      tags: ['evaluate'],
      summary: 'Plot a function and its derivative',
      description:
        'Runs the program with one input varying over a range and answers with an SVG chart of the function (blue) and its derivative (orange), computed by the engine with the sum trick.',
      body: PlotRequest,
      response: { 200: svgResponse, ...problemResponses },
    },
    handler: async (request, reply) => reply.type(SVG).send(await plot(request.body, request.log)),
  });

  app.get('/v1/plot', {
    schema: {
      tags: ['evaluate'],
      summary: 'Plot a function and its derivative (query form, for curl)',
      description: 'The same chart for `expr` over `torch.linspace(from, to, steps)` bound to `axis` (default x).',
      querystring: PlotQuery,
      response: { 200: svgResponse, 400: problemResponses[400], 422: problemResponses[422], 500: Problem },
    },
    handler: async (request, reply) => {
      const { expr, from, to, steps, axis, of } = request.query;
      const body: PlotRequest = { inputs: { [axis]: { linspace: { start: from, end: to, steps }, dtype: 'float32', requires_grad: true } }, expr, axis, of };
      return reply.type(SVG).send(await plot(body, request.log));
    },
  });
};
