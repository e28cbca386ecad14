import type { CheckAnswer, CheckRequest } from '../../schemas/check.js';
import type { GradcheckAnswer, GradcheckRequest } from '../../schemas/gradcheck.js';
import type { Limits } from '../../schemas/limits.js';
import type { PlotRequest } from '../../schemas/plot.js';
import type { EvaluateAnswer, EvaluateRequest } from '../../schemas/program.js';
import { checkSubmission } from '../grading/check.js';
import { gradcheck, MAX_GRADCHECK_RUNS } from '../grading/gradcheck.js';
import { samplePlot } from '../plot/sample.js';
import { inputElements } from '../program/inputs.js';
import { evaluateProgram } from '../program/run.js';

/**
 * THE table of work that may run off the event loop. The worker and the inline
 * runner both dispatch through it, so a task behaves the same wherever it runs.
 * Inputs and outputs cross a thread boundary by structured clone: plain data
 * only (objects, arrays, strings, typed arrays), never class instances or Maps.
 */
export interface TaskDefinition<Input, Output> {
  run(input: Input): Output | Promise<Output>;
  /** The programs the task runs and how often, read from the request alone (before anything runs). */
  programs(input: Input): TaskPrograms;
  /** Always runs in the pool, whatever its programs cost (work the program size does not show). */
  alwaysPooled?: boolean;
}

/** The parts of a program the planner reads: its text and the sizes of its inputs. */
export type ProgramParts = Pick<EvaluateRequest, 'inputs' | 'expr' | 'graph' | 'functions'>;

export interface TaskPrograms {
  programs: ProgramParts[];
  /** How many times the task runs them (a check once per point, a gradcheck once per perturbed element). */
  runs: number;
}

export interface ProgramSize {
  /** Tensor elements the inputs hold (the largest of the task's programs). */
  elements: number;
  /** Statements or graph nodes (for expressions: a bound from the source, operators and calls), over all the task's programs. */
  nodes: number;
  /** How many times the task runs its programs. */
  runs: number;
}

export interface EvaluateTask {
  request: EvaluateRequest;
  limits: Limits;
}
export interface CheckTask {
  request: CheckRequest;
  limits: Limits;
}
export interface GradcheckTask {
  request: GradcheckRequest;
  limits: Limits;
}
export interface PlotTask {
  /** The full form (inputs, axis): routes turn the shorthands into it. */
  request: PlotRequest;
  limits: Limits;
}
/** The rendered chart, and what was plotted (for the request's log line). */
export interface PlotOutput {
  svg: string;
  axis: string;
  of: string;
  points: number;
}

/** Operators, calls and statement separators bound the nodes an expression lowers to. */
function expressionNodes(source: string): number {
  return Math.max(1, (source.match(/[-+*/@(=;\n]/g) ?? []).length);
}

function programNodes(program: ProgramParts): number {
  const functionNodes = Object.values(program.functions ?? {}).reduce(
    (n, f) => n + expressionNodes(f.forward) + f.backward.reduce((m, b) => m + expressionNodes(b), 0),
    0,
  );
  return (program.expr !== undefined ? expressionNodes(program.expr) : (program.graph?.length ?? 0)) + functionNodes;
}

function programElements(program: ProgramParts): number {
  return Object.values(program.inputs).reduce<number>((n, spec) => n + inputElements(spec), 0);
}

export function programSize({ programs, runs }: TaskPrograms): ProgramSize {
  return {
    elements: programs.reduce((n, p) => Math.max(n, programElements(p)), 0),
    nodes: programs.reduce((n, p) => n + programNodes(p), 0),
    runs,
  };
}

/** Ops that can make tensors larger than the program's inputs. */
const GROWS = /\bexpand\b/;

/** Looks only at program text (never at input data, which may be large). */
export function mayGrow(program: ProgramParts): boolean {
  if (program.expr !== undefined && GROWS.test(program.expr)) return true;
  if (program.graph?.some((node) => GROWS.test(node.op))) return true;
  return Object.values(program.functions ?? {}).some((f) => GROWS.test(f.forward) || f.backward.some((b) => GROWS.test(b)));
}

/** The submission's inputs, given and random: the reference runs on the same ones. */
function checkPrograms({ request }: CheckTask): TaskPrograms {
  const points = typeof request.points === 'number' ? request.points : (request.points?.count ?? 0);
  const reference = request.reference ? [{ ...request.reference, inputs: request.submission.inputs }] : [];
  return { programs: [request.submission, ...reference], runs: 1 + points };
}

/** One forward for the output, then (at most) a backward per output element and two forwards per input element. */
function gradcheckPrograms({ request }: GradcheckTask): TaskPrograms {
  const elements = programElements(request.program);
  return { programs: [request.program], runs: Math.min(MAX_GRADCHECK_RUNS, 1 + 2 * elements) };
}

export const TASKS = {
  evaluate: {
    run: ({ request, limits }: EvaluateTask): EvaluateAnswer => evaluateProgram(request, limits),
    programs: ({ request }: EvaluateTask): TaskPrograms => ({ programs: [request], runs: 1 }),
  } satisfies TaskDefinition<EvaluateTask, EvaluateAnswer>,

  // A check runs the submission (and the reference) once per point, all in the same task.
  check: {
    run: ({ request, limits }: CheckTask): CheckAnswer => checkSubmission(request, limits, (program) => evaluateProgram(program, limits)),
    programs: checkPrograms,
  } satisfies TaskDefinition<CheckTask, CheckAnswer>,

  gradcheck: {
    run: ({ request, limits }: GradcheckTask): GradcheckAnswer => gradcheck(request, limits),
    programs: gradcheckPrograms,
  } satisfies TaskDefinition<GradcheckTask, GradcheckAnswer>,

  // Samples the function and its derivative (two evaluations), then renders the chart with vega:
  // rendering holds the thread for 20-160 ms (200 to 10,000 points) without a turn of the event
  // loop, so plots never run inline. vega is loaded on a worker's first plot (about 0.2 s), so
  // workers that never plot, and the main thread, do not pay for it.
  plot: {
    run: async ({ request, limits }: PlotTask): Promise<PlotOutput> => {
      const series = samplePlot(request, limits);
      const { chartTitle, renderChartSvg } = await import('../plot/chart.js');
      const svg = await renderChartSvg(series, { title: chartTitle(request) });
      return { svg, axis: series.axis, of: series.of, points: series.x.length };
    },
    programs: ({ request }: PlotTask): TaskPrograms => ({ programs: [request], runs: 2 }),
    alwaysPooled: true,
  } satisfies TaskDefinition<PlotTask, PlotOutput>,
};

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]['run']>[0];
export type TaskOutput<K extends TaskKind> = Awaited<ReturnType<(typeof TASKS)[K]['run']>>;

/** What crosses the thread boundary: errors travel as data, since classes do not survive structured clone. */
export type TaskOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { kind: 'problem'; code: string; message: string; extras: unknown } | { kind: 'range'; message: string } };
