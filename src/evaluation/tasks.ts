import type { CheckAnswer, CheckRequest } from '../../schemas/check.js';
import type { GradcheckAnswer, GradcheckRequest } from '../../schemas/gradcheck.js';
import type { Limits } from '../../schemas/limits.js';
import type { PlotRequest } from '../../schemas/plot.js';
import type { EvaluateAnswer, EvaluateRequest } from '../../schemas/program.js';
import { chargeWork, withWorkMeter } from '../engine/meter.js';
import { checkSubmission } from '../grading/check.js';
import { type GradeAnswer, type GradeJob, gradeNotebook, observeReference, type CompareSpec, type ReferenceValues } from '../grading/grade.js';
import { gradcheck } from '../grading/gradcheck.js';
import type { PlotSeries } from '../plot/sample.js';
import { samplePlot } from '../plot/sample.js';
import { inputElements } from '../program/inputs.js';
import { evaluateProgram } from '../program/run.js';
import { answerJsonBytes, releaseAnswerBytes } from '../python/answer_json.js';
import { type RunAnswer, runLimitsOf, runNotebook } from '../python/run.js';
import { type AnswerEncoding, refuseAnswerOf, serializeAnswer } from './answer.js';

/**
 * THE table of work a request can ask for. The inline runner and the pool's
 * worker both go through performTask, so a task behaves the same wherever it
 * runs. Inputs and results cross a thread boundary by structured clone: plain
 * data only (objects, arrays, strings, typed arrays), never class instances.
 *
 * Adding a kind: an entry with `run` (synchronous: the work meter measures
 * exactly it; its answer is sent as JSON under maxAnswerBytes), and a task
 * input type with `limits`. Routes then call answerTask(request, reply, kind, input).
 */
export interface TaskDefinition<Input extends TaskInputBase, Answer> {
  /** The work itself, synchronous, so that the work meter measures exactly it (and nothing of another request). */
  run(input: Input): Answer;
  /** Turns the answer into what is sent (default: JSON within maxAnswerBytes); runs after the meter, in the same thread. */
  render?(answer: Answer, input: Input): Promise<RenderedAnswer> | RenderedAnswer;
  /**
   * Values the answer will carry at least, read from the request alone, so an
   * answer that cannot fit under maxAnswerBytes is refused before anything runs.
   */
  answerValues?(input: Input): { elements: number; encoding?: AnswerEncoding; bytesPerElement: number };
  /** Never inline: part of the task is work the meter does not see (plot's rendering). */
  pooledOnly?: boolean;
  /**
   * Writes the answer's JSON text, or its UTF-8 bytes (default JSON.stringify; a writer must give
   * the same text), within maxBytes (a RangeError past it).
   */
  json?(answer: Answer, maxBytes: number): string | Uint8Array;
}

/** Every task input carries the request's limits (maxAnswerBytes among them). */
export interface TaskInputBase {
  limits: Limits;
}

/** What a task sends: text (JSON, or SVG for plots) and details for the request's log line. */
export interface RenderedAnswer {
  text: string;
  contentType: 'json' | 'svg';
  details?: Record<string, string | number>;
}

/** A rendered answer and the work it took (work meter units). */
export interface TaskResult extends RenderedAnswer {
  work: number;
  /**
   * The answer's UTF-8 bytes for a caller that only sends them (`text` is then empty): written
   * inline into reused memory (performTaskNow's answerAsBytes; the caller gives it back with
   * releaseAnswerBytes once sent), or, on the main thread, the part of a pooled task's slab its
   * worker wrote (the runner's RunResult).
   */
  bytes?: Uint8Array;
  /** How many bytes of the task's answer slab (performTask's answerSlab) the answer fills; `text` is then empty. */
  slabLength?: number;
}

/** Pooled answers at least this long are written into the task's slab (smaller ones cost less cloned as text). */
export const ANSWER_IN_SLAB_FROM = 64 * 1024;

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
/** Notebook cells (POST /v1/run), already split into cells. */
export interface RunTask {
  request: { cells: string[] };
  limits: Limits;
}
/** A notebook graded by hidden tests and a reference (POST /v1/grade, and each submission of a batch). */
export interface GradeTask {
  request: GradeJob;
  limits: Limits;
}
/** A batch's reference notebook, run once: the values its compare items name. */
export interface GradeReferenceTask {
  request: { cells: readonly string[]; compare: readonly CompareSpec[] };
  limits: Limits;
}
export interface PlotTask {
  /** The full form (inputs, axis): routes turn the shorthands into it. */
  request: PlotRequest;
  limits: Limits;
}

const BYTES_PER_ELEMENT = { float32: 4, float64: 8 } as const;

/** The inputs an evaluate answer echoes (all of them unless `outputs` picks), when it reports their data. */
function evaluateAnswerValues({ request }: EvaluateTask) {
  const echoesData = request.fields === undefined || request.fields.includes('data');
  const names = request.outputs ?? Object.keys(request.inputs);
  let elements = 0;
  let bytesPerElement = 8;
  if (echoesData) {
    for (const name of names) {
      if (!Object.hasOwn(request.inputs, name)) continue;
      const spec = request.inputs[name];
      elements += inputElements(spec);
      if (typeof spec === 'object' && !Array.isArray(spec)) bytesPerElement = Math.min(bytesPerElement, BYTES_PER_ELEMENT[spec.dtype] ?? 8);
      else bytesPerElement = 4;
    }
  }
  return { elements, encoding: request.encoding, bytesPerElement };
}

/** Elements of every input of an evaluate request, from the request alone. */
function evaluateInputElements({ request }: EvaluateTask): number {
  let elements = 0;
  for (const name in request.inputs) elements += inputElements(request.inputs[name]);
  return elements;
}

export const TASKS = {
  evaluate: {
    run: (task: EvaluateTask): EvaluateAnswer => {
      // Building the inputs writes each of their elements: charged first, so an inline start with
      // a million-element input stops here instead of decoding it on the event loop first.
      chargeWork(evaluateInputElements(task));
      return evaluateProgram(task.request, task.limits);
    },
    answerValues: evaluateAnswerValues,
  } satisfies TaskDefinition<EvaluateTask, EvaluateAnswer>,

  // A check runs the submission (and the reference) once per point, all in the same task.
  check: {
    run: ({ request, limits }: CheckTask): CheckAnswer => checkSubmission(request, limits, (program) => evaluateProgram(program, limits)),
  } satisfies TaskDefinition<CheckTask, CheckAnswer>,

  gradcheck: {
    run: ({ request, limits }: GradcheckTask): GradcheckAnswer => gradcheck(request, limits),
  } satisfies TaskDefinition<GradcheckTask, GradcheckAnswer>,

  // Notebook cells through the Python interpreter: student errors are part of the answer.
  run: {
    run: ({ request, limits }: RunTask): RunAnswer => runNotebook(request.cells, runLimitsOf(limits)),
    // JSON.stringify's text as bytes, each long array of numbers written once (plotted x, then the tensor in variables)
    json: answerJsonBytes,
  } satisfies TaskDefinition<RunTask, RunAnswer>,

  // A notebook, then its hidden tests (each in a copy of its namespace) and comparisons with the reference.
  grade: {
    run: ({ request, limits }: GradeTask): GradeAnswer => gradeNotebook(request, runLimitsOf(limits)),
  } satisfies TaskDefinition<GradeTask, GradeAnswer>,

  grade_reference: {
    run: ({ request, limits }: GradeReferenceTask): ReferenceValues => observeReference(request.cells, request.compare, runLimitsOf(limits)),
  } satisfies TaskDefinition<GradeReferenceTask, ReferenceValues>,

  // Samples the function and its derivative (two evaluations, metered), then renders the chart
  // (src/plot/figure_svg.ts, on d3-scale and d3-shape). Rendering does not charge the meter, so
  // plots run in the pool, never inline; the renderer is loaded on a worker's first plot.
  plot: {
    run: ({ request, limits }: PlotTask): PlotSeries => samplePlot(request, limits),
    render: async (series: PlotSeries, { request }: PlotTask): Promise<RenderedAnswer> => {
      const { chartTitle, renderChartSvg } = await import('../plot/chart.js');
      const svg = await renderChartSvg(series, { title: chartTitle(request) });
      return { text: svg, contentType: 'svg', details: { axis: series.axis, of: series.of, points: series.x.length } };
    },
    pooledOnly: true,
  } satisfies TaskDefinition<PlotTask, PlotSeries>,
};

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]['run']>[0];

/** The table entry of a kind, seen through the common interface. */
export function taskOf(kind: TaskKind): TaskDefinition<TaskInputBase, unknown> {
  const task = (TASKS as Record<string, TaskDefinition<TaskInputBase, unknown>>)[kind];
  if (task === undefined || !Object.hasOwn(TASKS, kind)) throw new Error(`unknown task kind ${String(kind)}`);
  return task;
}

/** Refuses, before anything runs, a task whose answer cannot fit under maxAnswerBytes. */
export function refuseAnswerBeforeRunning(kind: TaskKind, input: TaskInputBase): void {
  const values = taskOf(kind).answerValues?.(input);
  if (values) refuseAnswerOf(values.elements, values.encoding, values.bytesPerElement, input.limits);
}

/**
 * Runs a task's work under a meter of `workLimit` units (WorkLimitExceeded past
 * it), then renders its answer. The metered part is synchronous.
 */
export async function performTask(kind: TaskKind, input: TaskInputBase, workLimit: number, options: { answerSlab?: SharedArrayBuffer } = {}): Promise<TaskResult> {
  const task = taskOf(kind);
  if (!task.render) {
    const { answerSlab } = options;
    const result = performTaskNow(kind, input, workLimit, { answerAsBytes: answerSlab !== undefined });
    return answerSlab ? intoSlab(result, answerSlab) : result;
  }
  const { value: answer, work } = withWorkMeter(workLimit, () => task.run(input));
  return { ...(await task.render(answer, input)), work };
}

/**
 * A big answer written into the caller's slab (shared memory the main thread sends from, and
 * reuses: fresh memory for each answer cost the main thread ~20 ms a 10 MB answer here, in page
 * faults as the socket read it). A small answer stays text.
 */
function intoSlab(result: TaskResult, slab: SharedArrayBuffer): TaskResult {
  const { bytes, text, ...rest } = result;
  const view = Buffer.from(slab);
  if (bytes) {
    if (bytes.length >= ANSWER_IN_SLAB_FROM && bytes.length <= view.length) {
      view.set(bytes);
      releaseAnswerBytes(bytes);
      return { ...rest, text: '', slabLength: bytes.length };
    }
    const decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    releaseAnswerBytes(bytes);
    return { ...rest, text: decoded };
  }
  if (text.length < ANSWER_IN_SLAB_FROM || Buffer.byteLength(text) > view.length) return result;
  return { ...rest, text: '', slabLength: view.write(text, 0, 'utf8') };
}

/**
 * performTask for a task without a render step, answered synchronously (the runner's inline path).
 * A task whose writer gives bytes answers with them when the caller only sends the answer
 * (`answerAsBytes`; reused memory: the caller gives it back with releaseAnswerBytes once sent),
 * else with their text.
 */
export function performTaskNow(kind: TaskKind, input: TaskInputBase, workLimit: number, options: { answerAsBytes?: boolean } = {}): TaskResult {
  const task = taskOf(kind);
  if (task.render) throw new Error(`${kind} renders its answer: run it with performTask`);
  const { value: answer, work } = withWorkMeter(workLimit, () => task.run(input));
  const written = serializeAnswer(answer, input.limits.maxAnswerBytes, undefined, task.json);
  if (typeof written === 'string') return { text: written, contentType: 'json', work };
  if (options.answerAsBytes) return { text: '', bytes: written, contentType: 'json', work };
  const text = Buffer.from(written.buffer, written.byteOffset, written.byteLength).toString('utf8');
  releaseAnswerBytes(written);
  return { text, contentType: 'json', work };
}

/** What crosses the thread boundary: errors travel as data, since classes do not survive structured clone. */
export type TaskOutcome =
  | { ok: true; value: TaskResult }
  | {
      ok: false;
      /** Work done before the failure. */
      work: number;
      error:
        | { kind: 'problem'; code: string; message: string; extras: unknown }
        | { kind: 'range'; message: string }
        | { kind: 'work-limit'; limit: number; work: number };
    };
