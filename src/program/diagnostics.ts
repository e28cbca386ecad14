import type { Diagnostics } from '../../schemas/diagnostics.js';
import type { BackwardObserver, Node } from '../engine/autograd.js';
import { NamedTuple, type OpDef, type Value } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import type { OpObserver } from '../python/operators.js';
import { isTensor } from './values.js';

/** One op the program called, in evaluation order, with what it produced. */
interface OpCall {
  op: string;
  value: Value;
}

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
 * Watches one evaluation: the interpreter reports every op the program calls to `ops` (in
 * evaluation order), the backward loop every node it runs to `observer`; kinks come from each
 * node's own detector (declared by its primitive), so nothing here knows any op by name.
 */
export class DiagnosticsCollector {
  private readonly calls: OpCall[] = [];
  private readonly nodeNames = new Map<Node, string>();
  private gradient: Diagnostics['nonfinite_gradient'] = null;
  private readonly kinks: Diagnostics['kinks'] = [];

  /** Give to the run: records each op call (a named tuple as its values, as the answer reads it). */
  readonly ops: OpObserver = (op: OpDef, value: Value) => {
    this.calls.push({ op: op.name, value: value instanceof NamedTuple ? value.values[0] : value });
  };

  /** Call after the run, before backward: which named tensor each backward node produced. */
  nameNodes(named: ReadonlyMap<string, Value>): void {
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

  report(named: ReadonlyMap<string, Value>, inputs: ReadonlyMap<string, Tensor>): Diagnostics {
    return { nonfinite_value: firstNonFiniteValue(this.calls, named, inputs), nonfinite_gradient: this.gradient, kinks: this.kinks };
  }
}

/** The first input, then the first op result in evaluation order, holding NaN or infinite values. */
function firstNonFiniteValue(calls: readonly OpCall[], named: ReadonlyMap<string, Value>, inputs: ReadonlyMap<string, Tensor>): Diagnostics['nonfinite_value'] {
  for (const [name, t] of inputs) {
    const found = nonFinite(t);
    if (found) return { tensor: name, statement: null, op: null, ...found, message: `input '${name}' has ${found.kind} values` };
  }
  // An op's result → the name bound to it at the end; an unnamed result belongs to the next named one.
  const nameOf = new Map<Value, string>();
  for (const [name, value] of named) if (isTensor(value) && inputs.get(name) !== value) nameOf.set(value, name);
  for (let k = 0; k < calls.length; k++) {
    const { op, value } = calls[k];
    const found = isTensor(value) ? nonFinite(value) : null;
    if (!found) continue;
    const tensor = nameOf.get(value) ?? null;
    const statement = tensor ?? calls.slice(k + 1).map((c) => nameOf.get(c.value)).find((n) => n !== undefined) ?? null;
    const where = tensor ? `'${tensor}'` : statement ? `an intermediate value of '${statement}'` : 'an intermediate value';
    return { tensor, statement, op, ...found, message: `${op} produced ${found.kind} values: ${where} has ${found.count} ${found.kind} element${found.count === 1 ? '' : 's'}` };
  }
  return null;
}
