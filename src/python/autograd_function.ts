/**
 * `class X(torch.autograd.Function)` with `@staticmethod forward(ctx, ...)` and
 * `backward(ctx, grad_output)`: `X.apply(...)` becomes one primitive through the engine's
 * `apply()`. Forward runs with grad mode off; the node is named `XBackward` and its backward runs
 * the program's own backward (interpreted), bugs included, with PyTorch's checks on what it
 * returns.
 */
import { withGradMode } from '../engine/autograd.js';
import { apply, applyMulti, type Primitive } from '../engine/op.js';
import { Tensor, zerosTensor } from '../engine/tensor.js';
import { pyError } from './exceptions.js';
import { activeInterpreter } from './interpreter.js';
import { customNodes, objectType, typeName } from './objects.js';
import { type Kwargs, PyBuiltin, PyClass, PyClassMethod, PyInstance, PyProperty, PyStaticMethod, PyTuple, type PyValue } from './values.js';
import { defineMethods } from './builtins.js';

/** `torch.autograd.Function` */
export const functionClass = new PyClass('Function', 'torch.autograd.function', [objectType]);

/** The class of `ctx` (PyTorch's BackwardCFunction). */
const ctxClass = new PyClass('BackwardCFunction', 'torch.autograd.function', [objectType]);

/** The `ctx` a custom function's forward and backward share. */
class FunctionCtx extends PyInstance {
  /** What save_for_backward stored (null: nothing). */
  saved: readonly PyValue[] | null = null;
  needsInputGrad: PyTuple = new PyTuple([]);
  constructor() {
    super(ctxClass);
  }
}

defineMethods(ctxClass, {
  save_for_backward: (self, args, kwargs) => {
    if (kwargs !== null && kwargs.size > 0) throw pyError('TypeError', 'save_for_backward() takes no keyword arguments');
    for (const arg of args) {
      if (arg !== null && !(arg instanceof Tensor)) {
        throw pyError('TypeError', 'save_for_backward can only save variables, but argument 0 is of type ' + typeName(arg));
      }
    }
    (self as FunctionCtx).saved = args.slice();
    return null;
  },
  mark_non_differentiable: () => null,
  mark_dirty: () => {
    throw pyError('NotImplementedError', 'ctx.mark_dirty (in-place custom functions) is not supported');
  },
  set_materialize_grads: () => null,
});

const ctxDict = ctxClass.dict as Map<string, PyValue>;
ctxDict.set('saved_tensors', new PyProperty((self) => new PyTuple((self as FunctionCtx).saved ?? [])));
ctxDict.set('needs_input_grad', new PyProperty((self) => (self as FunctionCtx).needsInputGrad));

(functionClass.dict as Map<string, PyValue>).set(
  'apply',
  new PyClassMethod(new PyBuiltin('apply', (args, kwargs) => applyFunction(args[0] as PyClass, args.slice(1), kwargs))),
);
(functionClass.dict as Map<string, PyValue>).set(
  'forward',
  new PyStaticMethod(
    new PyBuiltin('forward', () => {
      throw pyError('NotImplementedError', 'You must implement the forward function for custom autograd.Function.');
    }),
  ),
);
(functionClass.dict as Map<string, PyValue>).set(
  'backward',
  new PyStaticMethod(
    new PyBuiltin('backward', () => {
      throw pyError('NotImplementedError', 'You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
    }),
  ),
);

/** The function a class attribute holds (static methods unwrapped). */
function method(cls: PyClass, name: string): PyValue {
  const value = cls.lookup(name);
  if (value instanceof PyStaticMethod) return value.func;
  if (value instanceof PyClassMethod) return value.func;
  return value ?? null;
}

/** `X.apply(*args)` */
function applyFunction(cls: PyClass, args: PyValue[], kwargs: Kwargs): PyValue {
  if (kwargs !== null && kwargs.size > 0) throw pyError('TypeError', 'apply() takes no keyword arguments');
  const interpreter = activeInterpreter();
  const forward = method(cls, 'forward');
  const backwardFn = method(cls, 'backward');
  const ctx = new FunctionCtx();
  const tensorPositions: number[] = [];
  args.forEach((arg, i) => {
    if (arg instanceof Tensor) tensorPositions.push(i);
  });
  ctx.needsInputGrad = new PyTuple(args.map((arg) => arg instanceof Tensor && arg.requiresGrad));
  const inputs = tensorPositions.map((i) => args[i] as Tensor);
  const name = `${cls.name}Backward`;
  // forward runs first, without recording (its own ops make no graph)
  const result = withGradMode(false, () => interpreter.call(forward, [ctx, ...args], null));
  // an input returned as-is comes back as a new tensor viewing it (a leaf stays a leaf)
  const fresh = (t: Tensor) => (inputs.includes(t) ? t.detach() : t);
  let outputs: Tensor[];
  if (result instanceof Tensor) {
    outputs = [fresh(result)];
  } else if (result instanceof PyTuple && result.items.length > 0 && result.items.every((item) => item instanceof Tensor)) {
    outputs = (result.items as Tensor[]).map(fresh);
  } else {
    throw pyError('TypeError', `${cls.name}.forward must return a Tensor or a tuple of Tensors, not ${typeName(result)}`);
  }

  /** The program's backward with one gradient per output (zeros where none arrived, as torch materializes them). */
  const runBackward = (gradOutputs: readonly (Tensor | null)[]): (Tensor | null)[] => {
    const grads = gradOutputs.map((g, i) => g ?? zerosTensor(outputs[i].shape, outputs[i].dtype));
    const returned = interpreter.call(backwardFn, [ctx, ...grads], null);
    const items = returned instanceof PyTuple ? returned.items : [returned];
    if (items.length !== args.length) {
      throw pyError('RuntimeError', `function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${items.length})`);
    }
    return tensorPositions.map((position) => {
      const g = items[position];
      if (g === null) return null;
      if (!(g instanceof Tensor)) {
        throw pyError('TypeError', `${name}.backward returned a ${typeName(g)} where a Tensor or None is expected`);
      }
      return g;
    });
  };
  const saves = (tensors: readonly Tensor[]) => {
    const saved = ctx.saved ?? [];
    const positions = saved.map((s) => tensors.indexOf(s as Tensor)).filter((i) => i >= 0);
    return { inputs: positions, output: saved.includes(outputs[0]) };
  };

  if (outputs.length > 1) {
    const produced = applyMulti({ gradFn: name, forward: () => outputs, backward: (gradOutputs) => runBackward(gradOutputs), saves }, inputs, undefined);
    const node = produced[0].gradFn;
    if (node !== null && node.name === name) customNodes.add(node);
    return new PyTuple(produced);
  }
  const primitive: Primitive = {
    gradFn: name,
    forward: () => outputs[0],
    backward: (gradOutput) => runBackward([gradOutput]),
    saves,
  };
  const output = apply(primitive, inputs, undefined);
  if (output.gradFn !== null && output.gradFn.name === name) customNodes.add(output.gradFn);
  return output;
}
