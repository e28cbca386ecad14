import { describe, expect, it } from 'vitest';
import { TorchDType } from '../../src/engine/dtype.js';
import { bindArguments, defineOp, NamedTuple, type OpDef, type Param, pythonTypeName, valuesAndIndices, type Value } from '../../src/engine/op.js';
import { OPS_BY_NAME } from '../../src/engine/ops/index.js';
import { sum } from '../../src/engine/ops/sum.js';
import { Tensor } from '../../src/engine/tensor.js';
import { ProblemError } from '../../src/errors.js';

const vector = (...values: number[]) => new Tensor(Float32Array.from(values), [values.length]);

/** An op that returns what it was bound, to look at the conversions. */
function echoOp(params: Param[]): OpDef {
  return defineOp({ name: 'echo', summary: 'test', params, gradFns: [], method: false, function: true, call: () => null });
}

function bindOne(kind: Param['kind'], value: Value, extra: Partial<Param> = {}): Value {
  return bindArguments(echoOp([{ name: 'a', kind, ...extra }]), [value], {}).a;
}

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('bindArguments converts Python values by parameter kind', () => {
  it('int kinds take bigints (Python ints) and give JS numbers', () => {
    expect(bindOne('int', 3n)).toBe(3);
    expect(bindOne('int?', null)).toBe(null);
    expect(bindOne('int?', -1n)).toBe(-1);
    // the old expression language passes ints as integral numbers
    expect(bindOne('int', 2)).toBe(2);
  });

  it('a float or a bool is not an int', () => {
    const problem = problemOf(() => bindOne('int', 2.5));
    expect(problem.message).toBe("echo(): argument 'a' (position 1) must be int, not float");
    expect(problem.extras.pythonType).toBe('TypeError');
    expect(() => bindOne('int', true)).toThrow('must be int, not bool');
  });

  it('number kinds give JS numbers from ints, floats and bools', () => {
    expect(bindOne('number', 3n)).toBe(3);
    expect(bindOne('number', 0.5)).toBe(0.5);
    expect(bindOne('number', true)).toBe(1);
    expect(bindOne('number?', null)).toBe(null);
    expect(() => bindOne('number', 'a')).toThrow("must be Number, not str");
  });

  it("'tensor|number' and 'scalar' keep the bigint so type promotion sees an int", () => {
    expect(bindOne('tensor|number', 2n)).toBe(2n);
    expect(bindOne('tensor|number', 2.0)).toBe(2.0);
    expect(bindOne('tensor|number', false)).toBe(false);
    expect(bindOne('scalar', 7n)).toBe(7n);
    const t = vector(1);
    expect(bindOne('tensor|number', t)).toBe(t);
    expect(() => bindOne('scalar', t)).toThrow('must be Number, not Tensor');
  });

  it("'int|tuple' gives a number for an int and number[] for a tuple of ints", () => {
    expect(bindOne('int|tuple', 1n)).toBe(1);
    expect(bindOne('int|tuple', [0n, -1n])).toEqual([0, -1]);
    expect(bindOne('int|tuple?', null)).toBe(null);
    expect(() => bindOne('int|tuple', [0n, 1.5])).toThrow(
      "echo(): argument 'a' (position 1) must be tuple of ints, but found element of type float at pos 1",
    );
  });

  it("'ints' accepts a list, a single int, and variadic ints", () => {
    expect(bindOne('ints', [2n, 3n])).toEqual([2, 3]);
    expect(bindOne('ints', 4n)).toEqual([4]);
    const op = echoOp([
      { name: 'input', kind: 'tensor' },
      { name: 'dims', kind: 'ints', variadic: true },
    ]);
    const t = vector(1, 2);
    expect(bindArguments(op, [t, 1n, 0n], {}).dims).toEqual([1, 0]);
    expect(bindArguments(op, [t, [1n, 0n]], {}).dims).toEqual([1, 0]);
  });

  it('strings, dtypes and None pass where their kinds allow them', () => {
    expect(bindOne('string', 'sum')).toBe('sum');
    expect(bindOne('string?', null)).toBe(null);
    expect(() => bindOne('string', 1n)).toThrow('must be str, not int');
    const float64 = TorchDType.of('float64');
    expect(bindOne('dtype', float64)).toBe(float64);
    expect(bindOne('dtype?', null)).toBe(null);
    expect(() => bindOne('dtype', 'float64')).toThrow('must be torch.dtype, not str');
  });

  it("'tensors' takes a list or tuple of tensors, with torch's message for another element", () => {
    const a = vector(1);
    const b = vector(2);
    expect(bindOne('tensors', [a, b])).toEqual([a, b]);
    const problem = problemOf(() => bindOne('tensors', [a, 1n]));
    expect(problem.message).toBe('expected Tensor as element 1 in argument 0, but got int');
    expect(problem.extras.pythonType).toBe('TypeError');
  });

  it('binding mistakes are TypeErrors with Python wording', () => {
    const op = echoOp([{ name: 'a', kind: 'tensor' }]);
    expect(problemOf(() => bindArguments(op, [], {})).extras.pythonType).toBe('TypeError');
    expect(() => bindArguments(op, [vector(1), vector(2)], {})).toThrow('echo() takes 1 positional argument but 2 were given');
    expect(() => bindArguments(op, [vector(1)], { b: 1n })).toThrow("echo() got an unexpected keyword argument 'b'");
  });

  it('existing ops accept Python ints as bigints', () => {
    const sumOp = OPS_BY_NAME.get('sum') as OpDef;
    const m = new Tensor(Float32Array.of(1, 2, 3, 4), [2, 2]);
    const bound = bindArguments(sumOp, [m], { dim: 1n });
    expect(Array.from((sumOp.call(bound) as Tensor).data)).toEqual([3, 7]);
    const add = OPS_BY_NAME.get('add') as OpDef;
    expect(Array.from((add.call(bindArguments(add, [2n, m], {})) as Tensor).data)).toEqual([3, 4, 5, 6]);
    expect(add.call(bindArguments(add, [2n, 3n], {}))).toBe(5n);
    const pow = OPS_BY_NAME.get('pow') as OpDef;
    expect(pow.call(bindArguments(pow, [2n, 10n], {}))).toBe(1024n);
    expect(pow.call(bindArguments(pow, [2n, -1n], {}))).toBe(0.5);
  });
});

describe('Python values', () => {
  it('torch dtypes are one value per dtype and print as torch does', () => {
    expect(TorchDType.of('float32')).toBe(TorchDType.of('float32'));
    expect(String(TorchDType.of('float64'))).toBe('torch.float64');
  });

  it('named tuples read fields by name and position', () => {
    const values = vector(3);
    const indices = vector(0);
    const result = valuesAndIndices('max', values, indices);
    expect(result).toBeInstanceOf(NamedTuple);
    expect(result.typeName).toBe('torch.return_types.max');
    expect(result.get('values')).toBe(values);
    expect(result.values[1]).toBe(indices);
    expect(result.get('nothing')).toBeUndefined();
    expect(pythonTypeName(result)).toBe('torch.return_types.max');
  });

  it('Python type names for messages', () => {
    expect([1n, 1.5, true, 'a', null, [], vector(1)].map((v) => pythonTypeName(v as Value))).toEqual([
      'int',
      'float',
      'bool',
      'str',
      'NoneType',
      'tuple',
      'Tensor',
    ]);
  });

  it('a dim out of range is an IndexError', () => {
    const problem = problemOf(() => sum(vector(1, 2), 3));
    expect(problem.message).toBe('Dimension out of range (expected to be in range of [-1, 0], but got 3)');
    expect(problem.extras.pythonType).toBe('IndexError');
  });
});
