import { describe, expect, it } from 'vitest';
import { withAllocationLimits } from '../../src/engine/dtype.js';
import { formatTensor, formatValues } from '../../src/engine/repr.js';
import { Tensor } from '../../src/engine/tensor.js';
import { DEFAULT_RUN_LIMITS, NotebookSession } from '../../src/python/run.js';
import { referenceFormatTensor } from './repr_reference.js';

/** The repr of a fresh tensor holding t's values: what a cached repr must always equal. */
function freshRepr(t: Tensor): string {
  return formatTensor(new Tensor(t.data.slice(), t.shape.slice()), {});
}

const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i / 7);

describe("a tensor's repr is formatted once while it is unchanged", () => {
  it('gives the same text twice, and a new one after each kind of write', () => {
    const t = new Tensor(ramp(200), [200]);
    const first = formatTensor(t, {});
    expect(formatTensor(t, {})).toBe(first);

    // an in-place write (what add_, zero_, x[i] = v do)
    t.write(Float32Array.from(t.data, (v) => v + 1));
    expect(formatTensor(t, {})).not.toBe(first);
    expect(formatTensor(t, {})).toBe(freshRepr(t));

    // a write at positions (advanced-index assignment)
    t.writeAt(Int32Array.of(0, 199), Float32Array.of(-5, 1234.5));
    expect(formatTensor(t, {})).toBe(freshRepr(t));
    expect(formatTensor(t, {})).toContain('-5.0000');

    // a write through a view shows in the tensor it views, and the view sees the tensor's writes
    const view = Tensor.view(t, [100], [2], 1);
    const viewText = formatTensor(view, {});
    view.write(new Float32Array(100).fill(9));
    expect(formatTensor(t, {})).toBe(freshRepr(t));
    t.write(new Float32Array(200).fill(3));
    expect(formatTensor(view, {})).not.toBe(viewText);
    expect(formatTensor(view, {})).toBe(freshRepr(view));

    // x.data = other: another storage and shape
    t.setData(new Tensor(ramp(120), [10, 12]));
    expect(formatTensor(t, {})).toBe(freshRepr(t));
    expect(formatTensor(t, {})).toContain('\n');
  });

  it('keeps the suffixes current (grad_fn, requires_grad) with the contents cached', () => {
    const t = new Tensor(ramp(100), [100]);
    expect(formatTensor(t, {})).toMatch(/\]\)$/);
    expect(formatTensor(t, { requiresGrad: true })).toMatch(/requires_grad=True\)$/);
    expect(formatTensor(t, { gradFn: 'MulBackward0' })).toMatch(/grad_fn=<MulBackward0>\)$/);
    expect(formatTensor(t, { gradFn: 'MulBackward0' })).toBe(formatTensor(t, { gradFn: 'MulBackward0' }));
    expect(formatTensor(t, { gradFn: 'AddBackward0' })).toMatch(/grad_fn=<AddBackward0>\)$/);
    expect(formatTensor(t, {})).toBe(freshRepr(t));
    expect(formatTensor(t, { requiresGrad: true })).toBe(freshRepr(t).slice(0, -1) + ', requires_grad=True)');
  });

  it('writes suffixes as the reference does, long lines, wrapping and non-ASCII names included', () => {
    for (const n of [3, 64, 100, 1000, 1001]) {
      for (const suffixes of [{}, { requiresGrad: true }, { gradFn: 'MulBackward0' }, { gradFn: 'ÑameBackward' }, { gradFn: 'A'.repeat(70) + 'Backward' }]) {
        const t = new Tensor(Float64Array.from({ length: n }, (_, i) => (i - 7) / 3), [n]);
        expect(formatTensor(t, suffixes)).toBe(referenceFormatTensor(t, suffixes));
        expect(formatTensor(t, suffixes)).toBe(referenceFormatTensor(t, suffixes));
      }
    }
  });

  it('in a notebook: print after add_, item assignment, x.data = ..., zero_ and set_printoptions', () => {
    const cells = [
      'import torch\nx = torch.linspace(0, 1, 100)\nprint(x)',
      'x.add_(1)\nprint(x)',
      'x[3] = 7.25\nprint(x)',
      'x.data = torch.arange(0, 150).float()\nprint(x)',
      'torch.set_printoptions(precision=4)\nprint(x)',
      'x.zero_()\nprint(x)',
    ];
    withAllocationLimits(DEFAULT_RUN_LIMITS, () => {
      const session = new NotebookSession(DEFAULT_RUN_LIMITS);
      for (const cell of cells) {
        const answer = session.runCell(cell);
        expect(answer.error).toBeNull();
        const x = session.lookup('x') as Tensor;
        expect(answer.stdout).toBe(freshRepr(x) + '\n');
      }
    });
  });
});

describe('values printed without a tensor (the playground prints an answer grad)', () => {
  it('formatValues gives the tensor text for long values too, with nothing to cache them by', () => {
    for (const n of [3, 64, 200, 1000]) {
      const data = ramp(n);
      const values = { data, shape: [n], ndim: 1, numel: n, dtype: 'float32' as const };
      expect(formatValues(values, {})).toBe(formatTensor(new Tensor(data.slice(), [n]), {}));
      expect(formatValues({ ...values, data: data.map((v) => v * 2) }, {})).toBe(formatTensor(new Tensor(data.map((v) => v * 2), [n]), {}));
    }
  });
});
