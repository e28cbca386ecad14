/**
 * `class X(torch.autograd.Function)` with `@staticmethod forward(ctx, ...)` and
 * `backward(ctx, grad_output)`: `X.apply(...)` becomes one primitive through the engine's
 * `apply()`. Forward runs with grad mode off; the node is named `XBackward` and its backward runs
 * the program's own backward (interpreted), bugs included, with PyTorch's checks on what it
 * returns.
 */
import { withGradMode } from '../engine/autograd.js';
import { apply, type Primitive } from '../engine/op.js';
import { Tensor } from '../engine/tensor.js';
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
  let produced: Tensor | null = null;

  const primitive: Primitive = {
    gradFn: name,
    forward: () =>
      withGradMode(false, () => {
        const result = interpreter.call(forward, [ctx, ...args], null);
        if (!(result instanceof Tensor)) {
          if (result instanceof PyTuple) {
            throw pyError('NotImplementedError', 'custom autograd.Function forward returning several outputs is not supported yet');
          }
          throw pyError('TypeError', `${cls.name}.forward must return a Tensor, not ${typeName(result)}`);
        }
        // an input returned as-is comes back as a new tensor viewing it (a leaf stays a leaf)
        produced = inputs.includes(result) ? result.detach() : result;
        return produced;
      }),
    backward: (gradOutput) => {
      const result = interpreter.call(backwardFn, [ctx, gradOutput], null);
      const grads = result instanceof PyTuple ? result.items : [result];
      if (grads.length !== args.length) {
        throw pyError('RuntimeError', `function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
      }
      return tensorPositions.map((position) => {
        const g = grads[position];
        if (g === null) return null;
        if (!(g instanceof Tensor)) {
          throw pyError('TypeError', `${name}.backward returned a ${typeName(g)} where a Tensor or None is expected`);
        }
        return g;
      });
    },
    saves: (tensors) => {
      const saved = ctx.saved ?? [];
      const positions = saved.map((s) => tensors.indexOf(s as Tensor)).filter((i) => i >= 0);
      return { inputs: positions, output: produced !== null && saved.includes(produced) };
    },
  };
  const output = apply(primitive, inputs, undefined);
  if (output.gradFn !== null && output.gradFn.name === name) customNodes.add(output.gradFn);
  return output;
}
