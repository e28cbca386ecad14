import { z } from 'zod';
import type { Limits } from './limits.js';
import { programSchemas } from './program.js';

/** A chart of more points than this is not more readable, only larger. */
export const MAX_PLOT_POINTS = 10_000;
export const DEFAULT_PLOT_STEPS = 200;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that would reach Object.prototype if ever used as plain keys. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const Name = z.string().max(64).regex(IDENTIFIER, 'must be an identifier (letters, digits, _; not starting with a digit)');

const AxisName = Name.describe('The input on the horizontal axis (a 1-D tensor). Default: the only input, or x when the GET form builds it.');
const OfName = Name.describe(
  'The statement to plot as the function (same shape as the axis). Default: the result when it has the axis shape, else the last statement that has it — so `Y = x ** 2; y = Y.sum()` plots Y.',
);

/** The keys of a plot body that are not its fields: inputs given at the top level. */
function topLevelInputs(body: Record<string, unknown>): Record<string, unknown> {
  const { inputs: _inputs, expr: _expr, graph: _graph, functions: _functions, axis: _axis, of: _of, ...topLevel } = body;
  return topLevel;
}

export function plotSchemas(limits: Limits) {
  const { TensorInput, GraphNode, CustomFunction } = programSchemas(limits);

  const Inputs = z.record(Name, TensorInput);
  /** The keys of the body that are not inputs; any other key is an input given at the top level (the shorthand). */
  const fields = {
    inputs: Inputs.optional().describe('The inputs by name (the full form). An input may instead be given as a key of the body itself: that one is the axis.'),
    expr: z.string().max(limits.maxExprLength, `longer than ${limits.maxExprLength} characters (limit maxExprLength)`).optional(),
    graph: z.array(GraphNode).min(1).max(limits.maxStatements, `more than ${limits.maxStatements} nodes (limit maxStatements)`).optional(),
    functions: z
      .record(Name, CustomFunction)
      .optional()
      .refine((f) => f === undefined || Object.keys(f).length <= limits.maxFunctions, `at most ${limits.maxFunctions} functions (limit maxFunctions)`),
    axis: AxisName.optional(),
    of: OfName.optional(),
  };

  type Fields = z.infer<z.ZodObject<typeof fields>>;
  /** What routes and the plot task read: every input under inputs. */
  type FullForm = Omit<Fields, 'inputs'> & { inputs: NonNullable<Fields['inputs']> };

  const PlotRequest = z
    .object(fields)
    .catchall(TensorInput.describe('An input given at the top level of the body, named by its key: the axis (the shorthand form).'))
    .superRefine((body, ctx) => {
      const topLevel = topLevelInputs(body);
      for (const name of Object.keys(topLevel)) {
        const problem = Name.safeParse(name).error?.issues[0]?.message ?? (RESERVED.has(name) ? 'this name is reserved' : undefined);
        if (problem) ctx.addIssue({ code: 'custom', message: `'${name}' is not an input name: ${problem}`, path: [name] });
      }
      const names = [...Object.keys(body.inputs ?? {}), ...Object.keys(topLevel)];
      if ((body.expr === undefined) === (body.graph === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give exactly one of expr or graph', path: [] });
      }
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least the input on the horizontal axis', path: ['inputs'] });
      if (names.length > limits.maxInputs) ctx.addIssue({ code: 'custom', message: `at most ${limits.maxInputs} inputs (limit maxInputs)`, path: ['inputs'] });
      const twice = Object.keys(topLevel).find((name) => body.inputs !== undefined && Object.hasOwn(body.inputs, name));
      if (twice !== undefined) ctx.addIssue({ code: 'custom', message: `'${twice}' is given both at the top level and under inputs`, path: [twice] });
      const axes = Object.keys(topLevel);
      if (axes.length > 1) {
        ctx.addIssue({ code: 'custom', message: `only the axis may be given at the top level (got ${axes.join(', ')}); put the other inputs under inputs`, path: [axes[1]] });
      } else if (axes.length === 1 && body.axis !== undefined && body.axis !== axes[0]) {
        ctx.addIssue({ code: 'custom', message: `the input given at the top level ('${axes[0]}') is the axis, but axis names '${body.axis}'`, path: ['axis'] });
      } else if (axes.length === 0 && body.axis === undefined && names.length > 1) {
        ctx.addIssue({ code: 'custom', message: 'with more than one input, name the one on the horizontal axis', path: ['axis'] });
      } else if (axes.length === 0 && body.axis !== undefined && !names.includes(body.axis)) {
        ctx.addIssue({ code: 'custom', message: `'${body.axis}' is not an input`, path: ['axis'] });
      }
    })
    // Both forms become the full form: one inputs record and the axis named.
    .transform(({ inputs, expr, graph, functions, axis, of, ...topLevel }): FullForm => {
      const shorthandAxis = Object.keys(topLevel)[0];
      return {
        inputs: { ...inputs, ...(topLevel as FullForm['inputs']) },
        expr,
        graph,
        functions,
        axis: axis ?? shorthandAxis,
        of,
      };
    })
    .meta({
      id: 'PlotRequest',
      description:
        'An evaluate body (inputs, expr or graph, functions) plus which input is the horizontal axis and which statement is the function. Shorthand: give the axis as a key of the body itself (`{"expr": "y = torch.relu(x)", "x": {"linspace": {...}}}`); other inputs, if any, go under inputs. The derivative is computed by the engine with the sum trick: Y.sum().backward() leaves dY/dx elementwise in x.grad.',
      examples: [
        { expr: 'y = torch.relu(x)', x: { linspace: { start: -10, end: 10, steps: 1000 } } },
        { inputs: { x: { linspace: { start: -10, end: 10, steps: 100 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' },
        { inputs: { w: [2] }, expr: 'y = w * torch.sin(x)', x: { linspace: { start: -3, end: 3, steps: 100 } } },
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
