import type { Diagnostics } from '../../schemas/diagnostics.js';
import type { BackwardObserver, Node } from '../engine/autograd.js';
import type { Value } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { isTensor } from './execute.js';
import type { LoweredProgram } from './graph.js';

/** NaN wins over inf: it is what anomaly mode reports. */
function nonFinite(t: Tensor): { kind: 'nan' | 'inf'; count: number } | null {
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < t.numel; i++) {
    const v = t.data[i];
    if (Number.isNaN(v)) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
  }
  if (nan > 0) return { kind: 'nan', count: nan };
  return inf > 0 ? { kind: 'inf', count: inf } : null;
}

/**
 * Watches one evaluation: the backward loop reports every node it runs to
 * `observer`; kinks come from each node's own detector (declared by its
 * primitive), so nothing here knows any op by name.
 */
export class DiagnosticsCollector {
  private readonly nodeNames = new Map<Node, string>();
  private gradient: Diagnostics['nonfinite_gradient'] = null;
  private readonly kinks: Diagnostics['kinks'] = [];

  constructor(named: ReadonlyMap<string, Value>) {
    for (const [name, value] of named) if (isTensor(value) && value.gradFn) this.nodeNames.set(value.gradFn, name);
  }

  readonly observer: BackwardObserver = (node, _gradOutput, grads) => {
    const tensor = this.nodeNames.get(node) ?? null;
    for (const hit of node.kinks?.() ?? []) this.kinks.push({ function: node.name, tensor, ...hit });
    if (this.gradient !== null) return;
    grads.forEach((g, output) => {
      const found = this.gradient === null && g ? nonFinite(g) : null;
      if (found) {
        this.gradient = {
          function: node.name,
          output,
          tensor,
          ...found,
          message: `Function '${node.name}' returned ${found.kind} values in its ${output}th output.`,
        };
      }
    });
  };

  report(program: LoweredProgram, env: ReadonlyMap<string, Value>, inputs: ReadonlyMap<string, Tensor>): Diagnostics {
    return { nonfinite_value: firstNonFiniteValue(program, env, inputs), nonfinite_gradient: this.gradient, kinks: this.kinks };
  }
}

/** The first input, then the first node in evaluation order, holding NaN or infinite values. */
function firstNonFiniteValue(program: LoweredProgram, env: ReadonlyMap<string, Value>, inputs: ReadonlyMap<string, Tensor>): Diagnostics['nonfinite_value'] {
  for (const [name, t] of inputs) {
    const found = nonFinite(t);
    if (found) return { tensor: name, statement: null, op: null, ...found, message: `input '${name}' has ${found.kind} values` };
  }
  // Node id → the statement name bound to it; an unnamed node belongs to the next named one.
  const nameOf = new Map<string, string>();
  for (const [name, ref] of program.named) if (typeof ref === 'string') nameOf.set(ref, name);
  for (let k = 0; k < program.nodes.length; k++) {
    const node = program.nodes[k];
    const value = env.get(node.id);
    const found = isTensor(value) ? nonFinite(value) : null;
    if (!found) continue;
    const tensor = nameOf.get(node.id) ?? null;
    const statement = tensor ?? program.nodes.slice(k + 1).map((n) => nameOf.get(n.id)).find((n) => n !== undefined) ?? null;
    const where = tensor ? `'${tensor}'` : statement ? `an intermediate value of '${statement}'` : 'an intermediate value';
    return { tensor, statement, op: node.op, ...found, message: `${node.op} produced ${found.kind} values: ${where} has ${found.count} ${found.kind} element${found.count === 1 ? '' : 's'}` };
  }
  return null;
}
