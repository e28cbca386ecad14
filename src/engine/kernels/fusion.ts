import { allocateReserved, type DType, reserve, type Storage } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { type PendingValues, Tensor } from '../tensor.js';

/**
 * Fusion of elementwise ops. An elementwise result of `minElements` or more
 * elements is not computed when the op runs: it records its function and
 * operands (its values are pending). When values are read, every pending
 * elementwise result they depend on is computed in one loop over the
 * elements, keeping intermediate values in locals instead of buffers; a
 * result nobody reads (an intermediate of a chain, a gradient term) never gets
 * a buffer, and the backward pass of a chain fuses with its forward.
 *
 * Exactness: every node computes `fn(operands)` and rounds it to its dtype
 * (Math.fround for float32), which is exactly what storing it in a typed array
 * did, so fused and unfused runs give the same bits (test/engine/fusion.test.ts
 * runs every golden case both ways). Operands are read when the loop runs, so
 * a tensor's values must not be written after an op has used it (gradcheck
 * reads each result before it perturbs an input again).
 *
 * Code generation: each loop's text is assembled from this file's constant
 * templates — locals named by position (t3, a0, c1, f2) and Math.fround —
 * never from request text; functions and constants are passed in as values.
 * Loops are cached by their structure (the MAX_LOOPS most recently used).
 */

export type ElementFn = (x: number, y: number) => number;

/** How the operands line up with the output: element by element, or one side a broadcast scalar. */
export type Alignment = 'same' | 'scalarLeft' | 'scalarRight';

let minElements = 256;

/** Tests run the engine with fusion everywhere (1) and nowhere (Infinity) and compare. */
export function setFusionMinElements(elements: number): void {
  minElements = elements;
}

export function fusionMinElements(): number {
  return minElements;
}

/** Whether an elementwise result of `elements` elements is deferred and fused. */
export function fuses(elements: number): boolean {
  return elements >= minElements;
}

/** An elementwise result waiting to be computed: fn over one or two operands, rounded to dtype. */
class Elementwise implements PendingValues {
  constructor(
    readonly fn: ElementFn,
    readonly a: Tensor,
    /** Null for a unary op. */
    readonly b: Tensor | null,
    readonly alignment: Alignment,
    readonly dtype: DType,
  ) {}

  materialize(target: Tensor): void {
    materializeTogether([target]);
  }
}

/** A result computed from the values of one elementwise result (a reduction of it), once those are computed. */
class FromValues implements PendingValues {
  constructor(
    readonly input: Tensor,
    readonly compute: (values: Storage) => Storage,
  ) {}

  materialize(target: Tensor): void {
    materializeTogether([target]);
  }
}

/** A deferred unary elementwise result: out[i] = round(fn(a[i])). Counted against the limits now. */
export function deferMap(a: Tensor, fn: (x: number) => number, dtype: DType): Tensor {
  reserve(a.numel);
  return readsFrom(Tensor.deferred(a.shape.slice(), dtype, new Elementwise(fn as ElementFn, a, null, 'same', dtype)), a, null);
}

/**
 * Registers a pending result with the storages it reads: an in-place write
 * to one of them computes the result first (Tensor.write), so it sees the
 * values it was created from.
 */
function readsFrom(result: Tensor, a: Tensor, b: Tensor | null): Tensor {
  a.storage.addReader(result);
  if (b !== null && b.storage !== a.storage) b.storage.addReader(result);
  return result;
}

/** A deferred binary elementwise result in `shape`; a scalar side is read once. Counted against the limits now. */
export function deferZip(a: Tensor, b: Tensor, alignment: Alignment, shape: readonly number[], dtype: DType, fn: ElementFn): Tensor {
  reserve(shape.reduce((n, d) => n * d, 1));
  return readsFrom(Tensor.deferred(shape, dtype, new Elementwise(fn, a, b, alignment, dtype)), a, b);
}

/** Whether `t` is an elementwise result still waiting (a reduction of it can wait too). */
export function isPendingElementwise(t: Tensor): boolean {
  return t.pending instanceof Elementwise;
}

/**
 * A result of `shape` computed by `compute` from the values of `input` (a
 * pending elementwise result) when it is read, so that materializeTogether
 * can compute `input` in the same loop as other results.
 */
export function deferFromValues(input: Tensor, shape: readonly number[], dtype: DType, compute: (values: Storage) => Storage): Tensor {
  reserve(shape.reduce((n, d) => n * d, 1));
  return readsFrom(Tensor.deferred(shape, dtype, new FromValues(input, compute)), input, null);
}

/**
 * Computes the pending values of `tensors` (nulls and computed ones are
 * skipped), fusing those of equal size into one loop. Reading `t.data`
 * computes one tensor; an answer that reads several calls this first.
 */
export function materializeTogether(tensors: readonly (Tensor | null | undefined)[]): void {
  const elementwise = new Map<number, Tensor[]>();
  const fromValues: Tensor[] = [];
  const seen = new Set<Tensor>();
  const addElementwise = (t: Tensor) => {
    if (seen.has(t)) return;
    seen.add(t);
    const group = elementwise.get(t.numel);
    if (group) group.push(t);
    else elementwise.set(t.numel, [t]);
  };
  for (const t of tensors) {
    if (!t || !t.isPending) continue;
    if (t.pending instanceof Elementwise) addElementwise(t);
    else if (t.pending instanceof FromValues) {
      fromValues.push(t);
      if (t.pending.input.pending instanceof Elementwise) addElementwise(t.pending.input);
    }
  }
  for (const group of elementwise.values()) fuse(group);
  for (const t of fromValues) {
    const pending = t.pending;
    if (pending instanceof FromValues) t.fulfil(pending.compute(pending.input.data));
  }
  for (const t of tensors) if (t && t.isPending) void t.data;
}

// ---- one fused group ----------------------------------------------------------

/** Nodes per loop: a longer chain runs as several loops, each storing what the next reads. */
const MAX_NODES = 32;
const MAX_LOOPS = 512;

type FusedLoop = (fns: readonly ElementFn[], inputs: readonly Storage[], constants: readonly number[], outputs: readonly Storage[], n: number) => void;

const loops = new Map<string, FusedLoop>();
/** Each distinct element function (by its source) gets a short id for loop keys. */
const functionIds = new Map<string, number>();

/** The operands of a pending node that are computed in the same loop (same size, element by element). */
function loopOperands(node: Elementwise): Tensor[] {
  const operands: Tensor[] = [];
  if (node.alignment !== 'scalarLeft') operands.push(node.a);
  if (node.b !== null && node.alignment !== 'scalarRight') operands.push(node.b);
  return operands;
}

/** The operand read once as a broadcast scalar, if any. */
function scalarOperand(node: Elementwise): Tensor | null {
  if (node.alignment === 'scalarLeft') return node.a;
  if (node.alignment === 'scalarRight') return node.b;
  return null;
}

function inLoop(t: Tensor, n: number): boolean {
  return t.pending instanceof Elementwise && t.numel === n;
}

/** Every pending node the outputs need, operands before their users (iterative depth-first post-order). */
function topologicalOrder(outputs: readonly Tensor[], n: number): Tensor[] {
  const order: Tensor[] = [];
  const state = new Map<Tensor, 1 | 2>(); // 1: on the stack, 2: placed
  const stack: Tensor[] = [];
  for (const output of outputs) {
    if (!inLoop(output, n) || state.has(output)) continue;
    stack.push(output);
    state.set(output, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      let descended = false;
      for (const operand of loopOperands(top.pending as Elementwise)) {
        if (inLoop(operand, n) && !state.has(operand)) {
          state.set(operand, 1);
          stack.push(operand);
          descended = true;
          break;
        }
      }
      if (!descended) {
        stack.pop();
        state.set(top, 2);
        order.push(top);
      }
    }
  }
  return order;
}

/** Computes the pending outputs (all of one size) and whatever pending nodes they need, MAX_NODES per loop. */
function fuse(group: readonly Tensor[]): void {
  const n = group[0].numel;
  for (;;) {
    const outputs = group.filter((t) => t.isPending);
    if (outputs.length === 0) return;
    // Scalars and operands pending in other ways are computed first (they may
    // compute some of this group's nodes on the way, so the order is taken after).
    for (const t of topologicalOrder(outputs, n)) {
      // Computing an operand may have computed this node too.
      if (!(t.pending instanceof Elementwise)) continue;
      const node = t.pending;
      const scalar = scalarOperand(node);
      if (scalar !== null && scalar.isPending) void scalar.data;
      for (const operand of loopOperands(node)) if (operand.isPending && !inLoop(operand, n)) void operand.data;
    }
    const order = topologicalOrder(group.filter((t) => t.isPending), n);
    // Every pending output of the group is an elementwise node of size n, so it is in the order.
    if (order.length === 0) throw new Error('fusion: pending outputs without pending nodes');
    const nodes = order.slice(0, MAX_NODES);
    const inChunk = new Set(nodes);
    const stored = new Set<Tensor>(nodes.filter((t) => group.includes(t)));
    // A node of this loop that a later loop reads is stored too.
    for (const later of order.slice(MAX_NODES)) {
      for (const operand of loopOperands(later.pending as Elementwise)) if (inChunk.has(operand)) stored.add(operand);
    }
    runLoop(nodes, [...stored], n);
  }
}

/** Runs one loop over `nodes` (operands before users), storing `stored` and fulfilling them. */
function runLoop(nodes: readonly Tensor[], stored: readonly Tensor[], n: number): void {
  // Charged once per materialized chain, before the generated loop runs.
  chargeWork(n * nodes.length);
  const index = new Map<Tensor, number>(nodes.map((t, k) => [t, k]));
  const inputs: Storage[] = [];
  const inputIndex = new Map<Tensor, number>();
  const constants: number[] = [];
  const fns: ElementFn[] = [];
  const keyParts: string[] = [];
  const lines: string[] = [];

  /** Whether each node's value is a float32 value (rounded, or exact by EXACT_FOR_FLOAT32). */
  const float32Valued: boolean[] = [];
  const isFloat32Valued = (t: Tensor): boolean => {
    const k = index.get(t);
    return k === undefined ? t.dtype === 'float32' : float32Valued[k];
  };
  const inputRef = (t: Tensor): string => {
    let j = inputIndex.get(t);
    if (j === undefined) {
      j = inputs.length;
      inputIndex.set(t, j);
      inputs.push(t.data);
      keyParts.push(t.dtype === 'float32' ? 'i4' : 'i8');
    }
    return `a${j}[i]`;
  };
  const operandRef = (t: Tensor, scalar: boolean): string => {
    if (scalar) {
      constants.push(t.data[0]);
      keyParts.push(t.dtype === 'float32' ? 'c4' : 'c8');
      return `c${constants.length - 1}`;
    }
    const k = index.get(t);
    return k === undefined ? inputRef(t) : `t${k}`;
  };

  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k].pending as Elementwise;
    const id = functionId(node.fn);
    const exactParams = EXACT_FOR_FLOAT32.get(node.fn);
    const refs = [operandRef(node.a, node.alignment === 'scalarLeft')];
    // An exact function of one parameter never reads the second operand: it is not loaded.
    if (node.b !== null && exactParams !== 1) refs.push(operandRef(node.b, node.alignment === 'scalarRight'));
    const read = exactParams === 1 ? [node.a] : node.b === null ? [node.a] : [node.a, node.b];
    const exact = exactParams !== undefined && node.dtype === 'float32' && read.every(isFloat32Valued);
    float32Valued.push(node.dtype === 'float32');
    fns.push(node.fn);
    const value = `f${k}(${refs.join(', ')})`;
    lines.push(`    const t${k} = ${node.dtype === 'float32' && !exact ? `R(${value})` : value};`);
    keyParts.push(`${node.dtype === 'float32' ? (exact ? 'x' : 's') : 'd'}${id}(${refs.join(',')})`);
  }
  const outputs = stored.map((t) => allocateReserved(t.dtype, n));
  const outputIndices = stored.map((t) => index.get(t) as number);
  keyParts.push(`->${outputIndices.map((k, j) => `${k}${stored[j].dtype === 'float32' ? 's' : 'd'}`).join(',')}`);

  loopFor(keyParts.join(' '), fns.length, inputs.length, constants.length, outputIndices, lines)(fns, inputs, constants, outputs, n);
  stored.forEach((t, j) => t.fulfil(outputs[j]));
}

/**
 * A number per function text, for the loop cache's key: the loop's shape depends on which
 * functions it calls, not on which closure (the functions themselves are passed to the loop).
 */
function functionId(fn: ElementFn): number {
  const source = fn.toString();
  let id = functionIds.get(source);
  if (id === undefined) {
    id = functionIds.size;
    functionIds.set(source, id);
  }
  return id;
}

/**
 * Element functions whose result for float32 operands is already a float32 value (an operand,
 * its negation, 0 or 1), with how many operands they read: rounding it again changes nothing, so
 * their loops skip Math.fround (10% of the chain's loop). An op tags its own with exactForFloat32;
 * any other function is rounded.
 */
const EXACT_FOR_FLOAT32 = new Map<ElementFn, 1 | 2>();

/** Tags an element function as exact for float32 (see EXACT_FOR_FLOAT32); tag module-level functions only. */
export function exactForFloat32<F extends (x: number) => number>(fn: F, operandsRead: 1 | 2 = 1): F {
  EXACT_FOR_FLOAT32.set(fn as unknown as ElementFn, operandsRead);
  return fn;
}

/** x ↦ x: a copy of the values (exact for float32). */
export const identity = exactForFloat32((v: number) => v);

/** The tagged functions, for their test. */
export function exactForFloat32Functions(): readonly ((x: number) => number)[] {
  return [...EXACT_FOR_FLOAT32.keys()] as unknown as ((x: number) => number)[];
}

/** The cached loop for this structure, or one compiled from the constant templates below. */
function loopFor(key: string, fnCount: number, inputCount: number, constantCount: number, outputIndices: readonly number[], lines: readonly string[]): FusedLoop {
  const cached = loops.get(key);
  if (cached) {
    // Re-inserting marks it most recently used.
    loops.delete(key);
    loops.set(key, cached);
    return cached;
  }
  if (loops.size >= MAX_LOOPS) loops.delete(loops.keys().next().value as string);
  const declare = (prefix: string, array: string, count: number) =>
    Array.from({ length: count }, (_, j) => `  const ${prefix}${j} = ${array}[${j}];`).join('\n');
  const body = [
    declare('f', 'fns', fnCount),
    declare('a', 'inputs', inputCount),
    declare('c', 'constants', constantCount),
    declare('o', 'outputs', outputIndices.length),
    '  for (let i = 0; i < n; i++) {',
    ...lines,
    ...outputIndices.map((k, j) => `    o${j}[i] = t${k};`),
    '  }',
  ].join('\n');
  const loop = new Function('R', `'use strict';\nreturn function fusedLoop(fns, inputs, constants, outputs, n) {\n${body}\n};`)(Math.fround) as FusedLoop;
  loops.set(key, loop);
  return loop;
}

/** The source of every loop compiled so far (tests check that none holds anything from a request). */
export function compiledLoopSources(): string[] {
  return [...loops.values()].map((loop) => loop.toString());
}
