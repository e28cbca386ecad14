import type { Limits } from '../../schemas/limits.js';
import type { EvaluateAnswer, EvaluateRequest } from '../../schemas/program.js';
import { inputElements } from '../program/inputs.js';
import { evaluateProgram } from '../program/run.js';

/**
 * THE table of work that may run off the event loop. The worker and the inline
 * runner both dispatch through it, so a task behaves the same wherever it runs.
 * Add an entry to run another kind of program (check, gradcheck, ...) with the
 * same budget, pool and metrics.
 */
export interface TaskDefinition<Input, Output> {
  run(input: Input): Output;
  /** What the request costs, estimated from the request alone (before anything runs). */
  size(input: Input): ProgramSize;
}

export interface ProgramSize {
  /** Tensor elements the inputs hold. */
  elements: number;
  /** Statements or graph nodes (for expressions: a bound from the source, operators and calls). */
  nodes: number;
}

export interface EvaluateTask {
  request: EvaluateRequest;
  limits: Limits;
}

/** Operators, calls and statement separators bound the nodes an expression lowers to. */
function expressionNodes(source: string): number {
  return Math.max(1, (source.match(/[-+*/@(=;\n]/g) ?? []).length);
}

export function evaluateSize(request: EvaluateRequest): ProgramSize {
  const elements = Object.values(request.inputs).reduce<number>((n, spec) => n + inputElements(spec), 0);
  const functionNodes = Object.values(request.functions ?? {}).reduce(
    (n, f) => n + expressionNodes(f.forward) + f.backward.reduce((m, b) => m + expressionNodes(b), 0),
    0,
  );
  const nodes = (request.expr !== undefined ? expressionNodes(request.expr) : (request.graph?.length ?? 0)) + functionNodes;
  return { elements, nodes };
}

export const TASKS = {
  evaluate: {
    run: ({ request, limits }: EvaluateTask): EvaluateAnswer => evaluateProgram(request, limits),
    size: ({ request }: EvaluateTask): ProgramSize => evaluateSize(request),
  } satisfies TaskDefinition<EvaluateTask, EvaluateAnswer>,
};

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]['run']>[0];
export type TaskOutput<K extends TaskKind> = ReturnType<(typeof TASKS)[K]['run']>;

/** What crosses the thread boundary: errors travel as data, since classes do not survive structured clone. */
export type TaskOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { kind: 'problem'; code: string; message: string; extras: unknown } | { kind: 'range'; message: string } };
