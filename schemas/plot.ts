import { z } from 'zod';
import type { Limits } from './limits.js';
import { programSchemas } from './program.js';

/** A chart of more points than this is not more readable, only larger. */
export const MAX_PLOT_POINTS = 10_000;
export const DEFAULT_PLOT_STEPS = 200;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const Name = z.string().max(64).regex(IDENTIFIER, 'must be an identifier (letters, digits, _; not starting with a digit)');

const AxisName = Name.describe('The input on the horizontal axis (a 1-D tensor). Default: the only input, or x when the GET form builds it.');
const OfName = Name.describe(
  'The statement to plot as the function (same shape as the axis). Default: the result when it has the axis shape, else the last statement that has it — so `Y = x ** 2; y = Y.sum()` plots Y.',
);

export function plotSchemas(limits: Limits) {
  const { TensorInput, GraphNode, CustomFunction } = programSchemas(limits);

  const PlotRequest = z
    .strictObject({
      inputs: z
        .record(Name, TensorInput)
        .refine((inputs) => Object.keys(inputs).length >= 1, 'give at least the input on the horizontal axis')
        .refine((inputs) => Object.keys(inputs).length <= limits.maxInputs, `at most ${limits.maxInputs} inputs (limit maxInputs)`),
      expr: z.string().max(limits.maxExprLength, `longer than ${limits.maxExprLength} characters (limit maxExprLength)`).optional(),
      graph: z.array(GraphNode).min(1).max(limits.maxStatements, `more than ${limits.maxStatements} nodes (limit maxStatements)`).optional(),
      functions: z
        .record(Name, CustomFunction)
        .optional()
        .refine((f) => f === undefined || Object.keys(f).length <= limits.maxFunctions, `at most ${limits.maxFunctions} functions (limit maxFunctions)`),
      axis: AxisName.optional(),
      of: OfName.optional(),
    })
    .superRefine((body, ctx) => {
      if ((body.expr === undefined) === (body.graph === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give exactly one of expr or graph', path: [] });
      }
      if (body.axis === undefined && Object.keys(body.inputs).length > 1) {
        ctx.addIssue({ code: 'custom', message: 'with more than one input, name the one on the horizontal axis', path: ['axis'] });
      }
      if (body.axis !== undefined && !(body.axis in body.inputs)) {
        ctx.addIssue({ code: 'custom', message: `'${body.axis}' is not an input`, path: ['axis'] });
      }
    })
    .meta({
      id: 'PlotRequest',
      description:
        'An evaluate body (inputs, expr or graph, functions) plus which input is the horizontal axis and which statement is the function. The derivative is computed by the engine with the sum trick: Y.sum().backward() leaves dY/dx elementwise in x.grad.',
      examples: [
        { inputs: { x: { linspace: { start: -10, end: 10, steps: 1000 } } }, expr: 'y = torch.relu(x)' },
        { inputs: { x: { linspace: { start: -10, end: 10, steps: 100 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' },
      ],
    });

  const PlotQuery = z
    .strictObject({
      expr: z.string().min(1).max(limits.maxExprLength, `longer than ${limits.maxExprLength} characters (limit maxExprLength)`).describe('The program, e.g. `y = torch.relu(x)`.'),
      from: z.coerce.number().refine(Number.isFinite, 'must be a finite number').default(-10).describe('Start of the axis range.'),
      to: z.coerce.number().refine(Number.isFinite, 'must be a finite number').default(10).describe('End of the axis range.'),
      steps: z.coerce
        .number()
        .int()
        .min(2)
        .max(MAX_PLOT_POINTS, `more than ${MAX_PLOT_POINTS} points (limit maxPlotPoints)`)
        .default(DEFAULT_PLOT_STEPS)
        .describe('Number of points, as torch.linspace(from, to, steps).'),
      axis: AxisName.default('x'),
      of: OfName.optional(),
    });
  // No meta id: @fastify/swagger expands a querystring into parameters and cannot follow a $ref there.

  return { PlotRequest, PlotQuery };
}

type Schemas = ReturnType<typeof plotSchemas>;
export type PlotRequest = z.infer<Schemas['PlotRequest']>;
export type PlotQuery = z.infer<Schemas['PlotQuery']>;

/** The SVG answer, documented as a string of image/svg+xml. */
export const PlotSvg = z.string().meta({ id: 'PlotSvg', description: 'An SVG chart: the function (blue) and its derivative (orange), with axes and a legend.' });
