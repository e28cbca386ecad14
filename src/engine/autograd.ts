import { ProblemError } from '../errors.js';
import type { DType } from './dtype.js';
import { castTo, formatSize, fullTensor, sameShape, Tensor } from './tensor.js';
import { sumTo } from './broadcast.js';
import { add as accumulate } from './ops/add.js';

/** PyTorch's `next_functions` entry: the node a gradient flows to and which of its outputs. */
export interface Edge {
  node: Node | null;
  outputNr: number;
}

/** What the engine checks a returned gradient against (PyTorch's InputMetadata). */
export interface InputMeta {
  shape: readonly number[];
  dtype: DType;
}

/** Maps the gradient of a node's output to one gradient per input edge (null: none). */
export type BackwardFn = (gradOutput: Tensor) => (Tensor | null)[];

let sequenceCounter = 0;

/** A node of the backward graph (PyTorch's `torch.autograd.graph.Node`). */
export class Node {
  readonly name: string;
  readonly next: readonly Edge[];
  readonly inputMeta: readonly InputMeta[];
  readonly backward: BackwardFn;
  /** The leaf an AccumulateGrad node writes to. */
  readonly variable: Tensor | null;
  /** Creation order: later nodes run first, which is a topological order. */
  readonly sequenceNr: number;
  /** Non-leaf output whose `.grad` is kept (retain_grad). */
  retainedOutput: Tensor | null = null;

  constructor(name: string, next: Edge[], inputMeta: InputMeta[], backward: BackwardFn, variable: Tensor | null = null) {
    this.name = name;
    this.next = next;
    this.inputMeta = inputMeta;
    this.backward = backward;
    this.variable = variable;
    this.sequenceNr = sequenceCounter++;
  }
}

// ---- grad mode -------------------------------------------------------------

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with grad mode set to `enabled`, restoring the previous mode after. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

// ---- graph edges -----------------------------------------------------------

/** The edge through which a gradient reaches `t`: its grad_fn, its accumulator, or none. */
export function edgeOf(t: Tensor): Edge {
  if (t.gradFn) return { node: t.gradFn, outputNr: 0 };
  if (!t.requiresGrad) return { node: null, outputNr: 0 };
  t.gradAccumulator ??= new Node('AccumulateGrad', [], [], (grad) => {
    accumulateIntoLeaf(t, grad);
    return [];
  }, t);
  return { node: t.gradAccumulator, outputNr: 0 };
}

function accumulateIntoLeaf(leaf: Tensor, grad: Tensor): void {
  // Without create_graph the stored gradient is detached, as in PyTorch.
  const incoming = isGradEnabled() ? grad : grad.requiresGrad ? grad.detach() : grad;
  leaf.grad = leaf.grad === null ? incoming : accumulate(leaf.grad, incoming);
}

/**
 * Records `output` as produced by a backward node named `name` from `inputs`.
 * Called by op.ts only when grad mode is on and some input requires grad.
 */
export function recordNode(name: string, inputs: readonly Tensor[], output: Tensor, backward: BackwardFn): void {
  const node = new Node(
    name,
    inputs.map(edgeOf),
    inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    backward,
  );
  output.requiresGrad = true;
  output.gradFn = node;
}

export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) {
    throw new ProblemError('autograd-error', "can't retain_grad on Tensor that has requires_grad=False");
  }
  if (t.gradFn) {
    t.retainsGrad = true;
    t.gradFn.retainedOutput = t;
  }
}

// ---- the backward pass -----------------------------------------------------

export interface BackwardOptions {
  /** The gradient of the root; required unless the root has one element. */
  gradient?: Tensor | null;
  /** Record the backward computation so it can be differentiated again. */
  createGraph?: boolean;
}

/** `root.backward(gradient)`: accumulates gradients into every reachable leaf. */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  const createGraph = options.createGraph ?? false;
  const seed = rootGradient(root, options.gradient ?? null);
  const rootEdge = edgeOf(root);
  if (!rootEdge.node) {
    throw new ProblemError('autograd-error', 'element 0 of tensors does not require grad and does not have a grad_fn');
  }
  withGradMode(createGraph, () => runBackward(rootEdge.node as Node, seed));
}

function rootGradient(root: Tensor, gradient: Tensor | null): Tensor {
  if (!root.requiresGrad) {
    throw new ProblemError('autograd-error', 'element 0 of tensors does not require grad and does not have a grad_fn');
  }
  if (gradient === null) {
    if (root.numel !== 1) {
      throw new ProblemError('autograd-error', 'grad can be implicitly created only for scalar outputs');
    }
    return fullTensor(root.shape, root.dtype, 1);
  }
  if (!sameShape(gradient.shape, root.shape)) {
    throw new ProblemError(
      'autograd-error',
      `Mismatch in shape: grad_output[0] has a shape of ${formatSize(gradient.shape)} and output[0] has a shape of ${formatSize(root.shape)}.`,
    );
  }
  return gradient.dtype === root.dtype ? gradient : castTo(gradient, root.dtype);
}

/** Every node reachable from `root`, found with an explicit stack (no recursion). */
function reachableNodes(root: Node): Node[] {
  const seen = new Set<Node>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const { node: child } of node.next) {
      if (child && !seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  return [...seen];
}

function runBackward(root: Node, seed: Tensor): void {
  // A node is created after every node it points to, so descending creation
  // order visits each node after all of its consumers: a topological order.
  const order = reachableNodes(root).sort((a, b) => b.sequenceNr - a.sequenceNr);
  const pending = new Map<Node, Tensor>([[root, seed]]);
  for (const node of order) {
    const gradOutput = pending.get(node);
    if (gradOutput === undefined) continue;
    pending.delete(node);
    if (node.retainedOutput) node.retainedOutput.grad = gradOutput.requiresGrad && !isGradEnabled() ? gradOutput.detach() : gradOutput;
    const grads = node.backward(gradOutput);
    node.next.forEach((edge, i) => {
      const grad = grads[i];
      if (!edge.node || !grad) return;
      const fitted = validateGradient(node, i, grad);
      const previous = pending.get(edge.node);
      pending.set(edge.node, previous === undefined ? fitted : accumulate(previous, fitted));
    });
  }
}

/**
 * PyTorch's validate_outputs: a gradient shaped like a broadcast of its input
 * is summed back to the input's shape; any other shape is an error.
 */
function validateGradient(node: Node, index: number, grad: Tensor): Tensor {
  const meta = node.inputMeta[index];
  let fitted = grad;
  if (!sameShape(grad.shape, meta.shape)) {
    if (!expandableTo(meta.shape, grad.shape)) {
      throw new ProblemError(
        'autograd-error',
        `Function ${node.name} returned an invalid gradient at index ${index} - got [${grad.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
      );
    }
    fitted = sumTo(grad, meta.shape);
  }
  return fitted.dtype === meta.dtype ? fitted : castTo(fitted, meta.dtype);
}

/** Whether `shape` broadcasts to `target` (torch's is_expandable_to). */
export function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  for (let i = 1; i <= shape.length; i++) {
    const s = shape[shape.length - i];
    const t = target[target.length - i];
    if (s !== t && s !== 1) return false;
  }
  return true;
}
