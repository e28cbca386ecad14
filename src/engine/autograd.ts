import { ProblemError } from '../errors.js';
import { type DType, legacyTypeName } from './dtype.js';
import { map } from './kernels/elementwise.js';
import { identity } from './kernels/fusion.js';
import { castTo, formatSize, fullTensor, sameShape, Tensor } from './tensor.js';
import { sumTo } from './broadcast.js';
import { add as accumulate } from './ops/add.js';
import { chargeWork, WORK_PER_NODE } from './meter.js';

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

/** A point where an op is not differentiable and its backward rule applied a convention (relu at 0, ...). */
export interface KinkHit {
  /** What was hit, e.g. `relu at 0`. */
  kink: string;
  /** The convention the backward rule applied, e.g. `relu'(0) = 0`. */
  convention: string;
  /** How many elements hit the kink. */
  count: number;
  /** Flat indices of the first few elements that hit it. */
  indices: number[];
}

/** Finds the kinks a node's saved inputs hit (declared by the primitive; see op.ts). */
export type KinkDetector = () => KinkHit[];

let sequenceCounter = 0;

/** The tensors a node's backward reads; `output` marks the last one as the node's own output. */
export interface SavedTensors {
  tensors: readonly Tensor[];
  output: boolean;
}

const NOTHING_SAVED: SavedTensors = { tensors: [], output: false };

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
  /** The primitive's kink detector over this node's saved values, if it declares one. */
  kinks: KinkDetector | null = null;
  /** What backward reads (PyTorch's saved variables), the saved output last; and their versions when saved. */
  saved: SavedTensors = NOTHING_SAVED;
  savedVersions: readonly number[] = [];
  /** Set when a backward pass without retain_graph ran this node: its saved values are gone. */
  freed = false;
  /** How many tensors the node produced (split, unbind: one per piece); edges name one by outputNr. */
  outputCount = 1;
  /** For a node of several outputs: the gradients of the inputs from one gradient (or null) per output. */
  multiBackward: ((gradOutputs: readonly (Tensor | null)[]) => (Tensor | null)[]) | null = null;
  /** The last graph walk (reachableNodes) that reached this node, and its place in that walk's order. */
  reachedBy = 0;
  walkIndex = 0;

  constructor(name: string, next: readonly Edge[], inputMeta: readonly InputMeta[], backward: BackwardFn, variable: Tensor | null = null) {
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
  if (t.gradFn) return { node: t.gradFn, outputNr: t.outputNr };
  if (!t.requiresGrad) return { node: null, outputNr: 0 };
  t.gradAccumulator ??= new Node('AccumulateGrad', [], [], (grad) => {
    accumulateIntoLeaf(t, grad);
    return [];
  }, t);
  return { node: t.gradAccumulator, outputNr: 0 };
}

/**
 * PyTorch's AccumulateGrad. With create_graph the sum is recorded (out of
 * place). Otherwise the stored gradient is detached and the leaf's own: the
 * first one a copy (the same gradient tensor may reach several leaves, and
 * `x.grad.zero_()` must not zero another's), later ones added in place (a view
 * of `.grad` sees them).
 */
function accumulateIntoLeaf(leaf: Tensor, grad: Tensor): void {
  if (isGradEnabled()) {
    leaf.grad = leaf.grad === null ? grad : accumulate(leaf.grad, grad);
    return;
  }
  const incoming = grad.requiresGrad ? grad.detach() : grad;
  const current = leaf.grad;
  if (current === null) leaf.grad = map(incoming, identity);
  else if (current.requiresGrad || current.overlaps) leaf.grad = accumulate(current, incoming);
  else current.write(accumulate(current, incoming).data);
}

/**
 * Records `output` as produced by a backward node named `name` from `inputs`.
 * Called by op.ts only when grad mode is on and some input requires grad.
 */
export function recordNode(
  name: string,
  inputs: readonly Tensor[],
  output: Tensor,
  backward: BackwardFn,
  kinks: KinkDetector | null = null,
  saved: SavedTensors = { tensors: inputs, output: false },
): void {
  chargeWork(WORK_PER_NODE); // the work meter bounds graph growth
  const edges = new Array<Edge>(inputs.length);
  for (let i = 0; i < inputs.length; i++) edges[i] = edgeOf(inputs[i]);
  // The inputs themselves carry the shape and dtype the engine checks gradients against.
  const node = new Node(name, edges, inputs, backward);
  node.kinks = kinks;
  if (saved.tensors.length > 0) {
    node.saved = saved;
    const versions = new Array<number>(saved.tensors.length);
    for (let i = 0; i < versions.length; i++) versions[i] = saved.tensors[i].version;
    node.savedVersions = versions;
  }
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
  /** Keep saved values for another backward through the same graph (default: createGraph). */
  retainGraph?: boolean;
  /** Sees every node the loop runs (diagnostics); never changes the result. */
  observer?: BackwardObserver;
}

/** Called after each node's backward rule ran, with its incoming gradient and what it returned. */
export type BackwardObserver = (node: Node, gradOutput: Tensor, grads: readonly (Tensor | null)[]) => void;

/** `root.backward(gradient)`: accumulates gradients into every reachable leaf. */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  const createGraph = options.createGraph ?? false;
  const seed = rootGradient(root, options.gradient ?? null);
  const rootEdge = edgeOf(root);
  if (!rootEdge.node) {
    throw new ProblemError('autograd-error', 'element 0 of tensors does not require grad and does not have a grad_fn');
  }
  const retainGraph = options.retainGraph ?? createGraph;
  withGradMode(createGraph, () => runBackward([{ node: rootEdge.node as Node, seed, outputNr: rootEdge.outputNr }], null, retainGraph, options.observer));
}

export interface GradOptions {
  /** One gradient per output (null: ones, allowed for one-element outputs only). */
  gradOutputs?: readonly (Tensor | null)[];
  /** Record the computation of the gradients so they can be differentiated again. */
  createGraph?: boolean;
  /** An input the outputs do not depend on gets null instead of an error. */
  allowUnused?: boolean;
  /** Keep saved values for another backward through the same graph (default: createGraph). */
  retainGraph?: boolean;
  observer?: BackwardObserver;
}

/**
 * `torch.autograd.grad(outputs, inputs, grad_outputs, create_graph, allow_unused)`:
 * the gradients of the outputs with respect to each input, returned instead of
 * accumulated into `.grad`. Runs the same loop as backward(), capturing the
 * gradient that reaches each input and running only nodes that lead to one.
 */
export function grad(outputs: readonly Tensor[], inputs: readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const roots = outputs.map((output, i) => {
    if (!output.requiresGrad) {
      throw new ProblemError('autograd-error', `element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    const edge = edgeOf(output);
    return { node: edge.node as Node, seed: rootGradient(output, options.gradOutputs?.[i] ?? null, i), outputNr: edge.outputNr };
  });
  const targets = inputs.map((input) => {
    if (!input.requiresGrad) throw new ProblemError('autograd-error', 'One of the differentiated Tensors does not require grad');
    return edgeOf(input).node as Node;
  });
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const captured = withGradMode(createGraph, () => runBackward(roots, new Set(targets), retainGraph, options.observer));
  return targets.map((node) => {
    const gradient = captured.get(node);
    if (gradient !== undefined) return gradient;
    if (options.allowUnused) return null;
    throw new ProblemError(
      'autograd-error',
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    );
  });
}

function rootGradient(root: Tensor, gradient: Tensor | null, index = 0): Tensor {
  if (!root.requiresGrad) {
    throw new ProblemError('autograd-error', `element ${index} of tensors does not require grad and does not have a grad_fn`);
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
      `Mismatch in shape: grad_output[${index}] has a shape of ${formatSize(gradient.shape)} and output[${index}] has a shape of ${formatSize(root.shape)}.`,
    );
  }
  return gradient.dtype === root.dtype ? gradient : castTo(gradient, root.dtype);
}

/** Numbers the graph walks: a node reached by the current one carries its number. */
let walks = 0;

/**
 * Every node reachable from the roots, found with an explicit stack (no recursion). A walk marks
 * the nodes it reaches with its own number (no set); it ends before any backward rule runs, so a
 * walk started inside one (a custom Function's backward) never interleaves with it.
 */
function reachableNodes(roots: readonly Node[]): Node[] {
  const walk = ++walks;
  const reached: Node[] = [];
  for (const root of roots) {
    if (root.reachedBy === walk) continue;
    root.reachedBy = walk;
    reached.push(root);
  }
  // `reached` is also the stack: every node in it is expanded once, in order
  for (let i = 0; i < reached.length; i++) {
    const next = reached[i].next;
    for (let e = 0; e < next.length; e++) {
      const child = next[e].node;
      if (child !== null && child.reachedBy !== walk) {
        child.reachedBy = walk;
        reached.push(child);
      }
    }
  }
  return reached;
}

/**
 * The one backward loop. With `capture` null it is backward(): every node runs
 * and AccumulateGrad nodes write `.grad`. With a capture set it is grad(): the
 * gradient reaching each captured node is returned, and only nodes through which
 * a gradient can reach a captured node run (never AccumulateGrad).
 */
function runBackward(
  roots: readonly { node: Node; seed: Tensor; outputNr?: number }[],
  capture: ReadonlySet<Node> | null,
  retainGraph: boolean,
  observer?: BackwardObserver,
): Map<Node, Tensor> {
  // A node is created after every node it points to, so descending creation
  // order visits each node after all of its consumers: a topological order.
  const order = reachableNodes(roots.map((r) => r.node));
  const walk = walks;
  sortNewestFirst(order);
  chargeWork(order.length); // every reachable node is visited and sorted
  const leadsToCapture = capture === null ? null : nodesLeadingTo(capture, order);
  // The gradient waiting for each node, by its place in `order` (kept on the node while this walk's
  // mark is on it; a walk inside a backward rule re-marks what it reaches, found then by search).
  for (let i = 0; i < order.length; i++) order[i].walkIndex = i;
  const placeOf = (node: Node): number => (node.reachedBy === walk ? node.walkIndex : order.indexOf(node));
  const pending = new Array<Tensor | undefined>(order.length);
  // Nodes of several outputs (split, unbind) collect one gradient per output.
  const pendingOutputs: ((Tensor | null)[] | undefined)[] = [];
  const addGradient = (target: Node, outputNr: number, grad: Tensor) => {
    const place = placeOf(target);
    if (target.outputCount === 1) {
      const previous = pending[place];
      pending[place] = previous === undefined ? grad : accumulate(previous, grad);
      return;
    }
    let slots = pendingOutputs[place];
    if (slots === undefined) {
      slots = new Array<Tensor | null>(target.outputCount).fill(null);
      pendingOutputs[place] = slots;
    }
    const previous = slots[outputNr];
    slots[outputNr] = previous === null ? grad : accumulate(previous, grad);
  };
  for (const { node, seed, outputNr } of roots) addGradient(node, outputNr ?? 0, seed);
  const captured = capture === null ? NOTHING_CAPTURED : new Map<Node, Tensor>();
  for (let place = 0; place < order.length; place++) {
    const node = order[place];
    let gradOutput = pending[place];
    const outputGrads = node.outputCount === 1 ? undefined : pendingOutputs[place];
    if (outputGrads !== undefined) {
      pendingOutputs[place] = undefined;
      gradOutput = outputGrads.find((g) => g !== null) as Tensor;
    } else if (gradOutput === undefined) {
      continue;
    }
    pending[place] = undefined;
    chargeWork(WORK_PER_NODE); // per node the backward loop runs
    if (capture !== null) {
      if (capture.has(node)) captured.set(node, gradOutput);
      if (node.variable !== null || !leadsToCapture?.has(node)) continue;
    } else if (node.retainedOutput) {
      node.retainedOutput.grad = gradOutput.requiresGrad && !isGradEnabled() ? gradOutput.detach() : gradOutput;
    }
    const savesValues = node.saved.tensors.length > 0;
    if (savesValues) checkSaved(node);
    const grads = outputGrads !== undefined && node.multiBackward !== null ? node.multiBackward(outputGrads) : node.backward(gradOutput);
    if (savesValues && !retainGraph) node.freed = true;
    observer?.(node, gradOutput, grads);
    const next = node.next;
    for (let i = 0; i < next.length; i++) {
      const target = next[i].node;
      const grad = grads[i];
      if (!target || !grad) continue;
      addGradient(target, next[i].outputNr, validateGradient(node, i, grad));
    }
  }
  return captured;
}

/** What backward() captures: nothing (grad() gets a map of its own). */
const NOTHING_CAPTURED: Map<Node, Tensor> = new Map();

/** Sorts nodes newest first (descending creation order), in place: insertion sort for the usual few. */
function sortNewestFirst(nodes: Node[]): void {
  if (nodes.length > 32) {
    nodes.sort((a, b) => b.sequenceNr - a.sequenceNr);
    return;
  }
  for (let i = 1; i < nodes.length; i++) {
    const node = nodes[i];
    let j = i - 1;
    while (j >= 0 && nodes[j].sequenceNr < node.sequenceNr) {
      nodes[j + 1] = nodes[j];
      j--;
    }
    nodes[j + 1] = node;
  }
}

/** The nodes with an edge to a captured node or to a node that leads to one. */
function nodesLeadingTo(capture: ReadonlySet<Node>, topological: readonly Node[]): Set<Node> {
  const leads = new Set<Node>();
  // Ascending creation order: every child is decided before its parents.
  for (let i = topological.length - 1; i >= 0; i--) {
    const node = topological[i];
    if (node.next.some(({ node: child }) => child !== null && (capture.has(child) || leads.has(child)))) leads.add(node);
  }
  return leads;
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

/** PyTorch's checks before a node's backward reads what it saved: not freed, not changed in place since. */
function checkSaved(node: Node): void {
  if (node.freed) {
    throw new ProblemError(
      'autograd-error',
      'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
    );
  }
  const { tensors, output } = node.saved;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    const expected = node.savedVersions[i];
    if (t.version === expected) continue;
    // A saved output names this node; a saved input the node that produced it now.
    const producer = output && i === tensors.length - 1 ? node : t.gradFn;
    const described = `[${legacyTypeName(t.dtype)} [${t.shape.join(', ')}]]${producer ? `, which is output 0 of ${producer.name},` : ''}`;
    throw new ProblemError(
      'autograd-error',
      `one of the variables needed for gradient computation has been modified by an inplace operation: ${described} is at version ${t.version}; expected version ${expected} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
    );
  }
}
