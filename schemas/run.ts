import { z } from 'zod';
import { TensorEntry, WireNumber } from './tensor.js';

/**
 * Limits of POST /v1/run beyond the service's (body size, tensor elements, work, time): how many
 * cells a request may hold, how much source in all, and what one cell may do.
 */
export const RUN_LIMITS = Object.freeze({
  /** Cells in one request. */
  maxCells: 200,
  /** Characters of source in all cells together. */
  maxSourceChars: 200_000,
  /** Statements and expressions one cell may evaluate (then a TimeoutError in that cell). */
  maxStepsPerCell: 1_000_000,
  /** Python frames deep calls may nest (then a RecursionError). */
  recursionLimit: 1000,
  /** Characters print() may write in one cell (then a MemoryError). */
  maxOutputChars: 1_000_000,
});

const LAB_CELLS = [
  'import torch\nimport matplotlib.pylab as plt',
  'x = torch.tensor(2.0, requires_grad = True)\ny = x ** 2 + 2 * x + 1\nprint("The result of y = x^2 + 2x + 1: ", y)\ny.backward()\nx.grad',
];

const Cells = z
  .array(z.string().max(RUN_LIMITS.maxSourceChars))
  .min(1)
  .max(RUN_LIMITS.maxCells)
  .describe(`Notebook cells, run in order in one namespace (at most ${RUN_LIMITS.maxCells}).`);

const totalSource = (sources: readonly string[], ctx: z.RefinementCtx, path: (string | number)[]) => {
  let total = 0;
  for (const s of sources) total += s.length;
  if (total > RUN_LIMITS.maxSourceChars) {
    ctx.addIssue({ code: 'custom', path, message: `the cells hold ${total} characters of source; at most ${RUN_LIMITS.maxSourceChars} are accepted` });
  }
};

export const RunRequest = z
  .union([
    z.strictObject({ cells: Cells }).superRefine((body, ctx) => totalSource(body.cells, ctx, ['cells'])),
    z.strictObject({ source: z.string().max(RUN_LIMITS.maxSourceChars).describe('One cell.') }),
  ])
  .meta({
    id: 'RunRequest',
    description:
      'Python notebook cells (PyTorch code as students write it), run as a fresh Jupyter kernel with Python 3.11 and torch 1.13 would run them: `{"cells": [...]}`, or `{"source": "..."}` for one cell. Imports of torch, math, numpy and matplotlib only.',
    examples: [{ cells: LAB_CELLS }, { source: 'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n(x ** 2).sum()' }],
  });

export type RunRequest = z.infer<typeof RunRequest>;

const Line = z.object({
  x: z.array(WireNumber),
  y: z.array(WireNumber),
  label: z.string().nullable().describe("The line's label; null when matplotlib's starts with `_` (its default `_child0`)."),
});

const AxesFields = {
  lines: z.array(Line).describe('The Line2D objects in drawing order, with the plotted data.'),
  xlabel: z.string().nullable(),
  ylabel: z.string().nullable(),
  title: z.string().nullable(),
  legend: z.boolean().describe('Whether the Axes has a legend.'),
};

const Figure = z
  .object({
    ...AxesFields,
    more_axes: z.array(z.object(AxesFields)).optional().describe('The other Axes of a figure with several.'),
    svg: z.string().optional().describe('The figure drawn as SVG (by the renderer of /v1/plot).'),
  })
  .meta({ id: 'RunFigure', description: "A figure the cell showed (plt.show()) or left open: its (first) Axes' lines and labels." });

const CellAnswer = z
  .object({
    stdout: z.string().describe('What print() wrote.'),
    display: z.string().nullable().describe("Jupyter's Out[n]: the last expression's value as IPython prints it (null when None, a statement, or after `;`)."),
    error: z
      .object({
        type: z.string().describe('The exception class, e.g. RuntimeError, NameError, SyntaxError.'),
        message: z.string().describe("str(exception): PyTorch's message for PyTorch's errors."),
        line: z.number().int().describe("The line of the cell's top-level code that was running (for a syntax error, Python's line)."),
      })
      .nullable()
      .describe('The exception that ended the cell; later cells still run.'),
    figures: z.array(Figure),
  })
  .meta({ id: 'RunCell' });

const OtherVariable = z.object({ type: z.string().describe('type(v).__name__'), repr: z.string().describe('repr(v)') });

export const RunAnswer = z
  .object({
    cells: z.array(CellAnswer),
    variables: z
      .record(z.string(), z.union([TensorEntry, OtherVariable]))
      .describe('Every name bound at the end that is not private, a module, a class or a function: tensors as /v1/evaluate reports them, other values by type and repr.'),
  })
  .meta({
    id: 'RunAnswer',
    description: 'What Jupyter shows for each cell, and the final namespace.',
    examples: [
      {
        cells: [
          { stdout: '', display: null, error: null, figures: [] },
          { stdout: 'The result of y = x^2 + 2x + 1:  tensor(9., grad_fn=<AddBackward0>)\n', display: 'tensor(6.)', error: null, figures: [] },
        ],
        variables: {
          x: { data: 2, shape: [], dtype: 'float32', requires_grad: true, is_leaf: true, grad_fn: null, grad: 6, repr: 'tensor(2., requires_grad=True)' },
          y: { data: 9, shape: [], dtype: 'float32', requires_grad: true, is_leaf: false, grad_fn: 'AddBackward0', grad: null, repr: 'tensor(9., grad_fn=<AddBackward0>)' },
        },
      },
    ],
  });

export type RunAnswer = z.infer<typeof RunAnswer>;
