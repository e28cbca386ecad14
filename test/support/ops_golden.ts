/**
 * Golden cases of ops.json run directly against the engine: each case's
 * program is translated by hand into engine calls (a table entry per case),
 * run on the case's inputs with the backward pass from its result, and the
 * answer compared exactly as the conformance checker compares answers
 * (values and gradients within the case's tolerance, shapes, dtypes,
 * grad_fn names, reprs and the whole backward graph).
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { tensorInputSchema } from '../../schemas/tensor.js';
import { backward } from '../../src/engine/autograd.js';
import { Tensor } from '../../src/engine/tensor.js';
import { traceGraph } from '../../src/engine/trace.js';
import { describeEntry } from '../../src/program/encode.js';
import { buildInput } from '../../src/program/inputs.js';
import { compareCase, type GoldenCase } from './conformance.js';

const { cases } = JSON.parse(readFileSync(new URL('../conformance/ops.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

/** Every case of ops.json by name. */
export const OPS_CASES: ReadonlyMap<string, GoldenCase> = new Map(cases.map((c) => [c.name, c]));

/** Names of the cases tagged with `tag` (a group: 'linalg', 'nn', 'creation', ...). */
export function caseNamesTagged(tag: string): string[] {
  return cases.filter((c) => c.tags.includes(tag)).map((c) => c.name);
}

/**
 * A case's program as engine calls: receives the inputs by name and returns
 * every tensor the program names, in the order it assigns them.
 */
export type Translation = (inputs: Record<string, Tensor>) => Record<string, Tensor>;

const inputSchema = tensorInputSchema(DEFAULT_LIMITS);

/** The differences between the engine's answer to case `name` (run through `translate`) and the golden one; empty: it passes. */
export function goldenDifferences(name: string, translate: Translation): string[] {
  const golden = OPS_CASES.get(name);
  if (!golden) throw new Error(`no case ${name} in ops.json`);
  const request = golden.request as { inputs: Record<string, unknown> };
  const inputs: Record<string, Tensor> = {};
  for (const [input, spec] of Object.entries(request.inputs)) inputs[input] = buildInput(input, inputSchema.parse(spec));
  const named: Record<string, Tensor> = { ...inputs, ...translate(inputs) };
  const resultName = golden.expect.result as string;
  const result = named[resultName];
  if (result.requiresGrad) backward(result);
  const body = {
    result: resultName,
    tensors: Object.fromEntries(Object.entries(named).map(([key, t]) => [key, describeEntry(t)])),
    trace: result.gradFn ? traceGraph(result.gradFn) : null,
  };
  return compareCase(golden, 200, 'application/json', body);
}

/** A float32 constant from nested numbers, as `torch.tensor([...])` makes it. */
export function constant(values: number[] | number[][]): Tensor {
  const rows = values as (number | number[])[];
  const shape = Array.isArray(rows[0]) ? [rows.length, (rows[0] as number[]).length] : [rows.length];
  return new Tensor(Float32Array.from(rows.flat() as number[]), shape);
}
