import { describe, expect, it } from 'vitest';
import { withAllocationLimits } from '../../src/engine/dtype.js';
import { Tensor } from '../../src/engine/tensor.js';
import { PythonError } from '../../src/python/exceptions.js';
import { DEFAULT_RUN_LIMITS, NotebookSession } from '../../src/python/run.js';

const inSession = <T>(fn: (session: NotebookSession) => T): T => withAllocationLimits(DEFAULT_RUN_LIMITS, () => fn(new NotebookSession(DEFAULT_RUN_LIMITS)));

describe('NotebookSession: the interpreter for other front ends', () => {
  it('runs a source on pre-bound inputs and returns its last expression', () => {
    inSession((session) => {
      const x = new Tensor(new Float32Array([2]), [], { requiresGrad: true });
      session.bind('x', x);
      session.evaluate('import torch\ny = x ** 2 + 2 * x + 1\ny.backward()');
      expect(x.grad?.data[0]).toBe(6);
      const y = session.lookup('y') as Tensor;
      expect(y.gradFn?.name).toBe('AddBackward0');
      expect(session.evaluate('x.grad.item() * 10')).toBe(60);
      expect(session.evaluate('z = 1')).toBeNull();
    });
  });

  it('throws Python errors with the line of the source', () => {
    inSession((session) => {
      let caught: unknown;
      try {
        session.evaluate('a = 1\nb = a + missing');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PythonError);
      expect((caught as PythonError).exception.cls.name).toBe('NameError');
      expect((caught as PythonError).line).toBe(2);
    });
  });

  it('forks: a copy of the namespace whose bindings do not reach the original', () => {
    inSession((session) => {
      session.evaluate('n = 1\nitems = [1]');
      const copy = session.fork();
      copy.evaluate('n = 2\nitems.append(2)');
      expect(session.evaluate('n')).toBe(1n);
      expect(copy.evaluate('n')).toBe(2n);
      // values are shared, as a shallow copy of a namespace shares them
      expect(session.evaluate('len(items)')).toBe(2n);
    });
  });

  it('answers a cell as Jupyter shows it, in the same namespace', () => {
    inSession((session) => {
      session.evaluate('import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)');
      expect(session.runCell('print(x.sum())\nx * 2')).toEqual({
        stdout: 'tensor(3., grad_fn=<SumBackward0>)\n',
        display: 'tensor([2., 4.], grad_fn=<MulBackward0>)',
        error: null,
        figures: [],
      });
      expect(Object.keys(session.variables())).toEqual(['x']);
    });
  });
});
