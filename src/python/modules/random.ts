/**
 * torch's CPU random generator, bit for bit: mt19937 seeded as at::mt19937 does, and the
 * transformations of aten/src/ATen/core/DistributionsHelper.h and TransformationHelper.h
 * (uniform from 24 or 53 bits, Box-Muller normals with the cached second sample, randint by
 * modulo, randperm by Fisher-Yates) with the CPU kernels' order of draws. Each run has its own
 * generator, seeded as a fresh process is (67280421310721) until `torch.manual_seed`.
 */
import { allocate, type DType, isFloating, rounder, TorchDType } from '../../engine/dtype.js';
import { Tensor } from '../../engine/tensor.js';
import { builtin, parseArgs, defineMethods } from '../builtins.js';
import { pyError } from '../exceptions.js';
import { activeInterpreter } from '../interpreter.js';
import { tensorType, truthy, typeName } from '../objects.js';
import { type Kwargs, type PyValue, PyNativeObject } from '../values.js';
import { sizesArg } from './torch.js';
import { logAvx, sincosAvx } from './avx_mathfun.js';

/** at::default_rng_seed_val: the seed of a fresh process's CPU generator. */
const DEFAULT_SEED = 67280421310721n;

/** The 32-bit Mersenne Twister (std::mt19937) with torch's 64-bit draws and the normal cache. */
export class MT19937 {
  private readonly state = new Uint32Array(624);
  private index = 624;
  /** The second Box-Muller sample of normal_distribution<double>, kept for the next draw. */
  nextDoubleNormal: number | null = null;
  nextFloatNormal: number | null = null;
  readonly seed: bigint;

  constructor(seed: bigint) {
    this.seed = seed;
    const s = this.state;
    s[0] = Number(seed & 0xffffffffn);
    for (let i = 1; i < 624; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2^32
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit draw (at::mt19937::operator()). */
  random(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Two draws as one 64-bit number, the first as the high half (CPUGeneratorImpl::random64). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (s[i] & 0x80000000) | (s[(i + 1) % 624] & 0x7fffffff);
      let v = s[(i + 397) % 624] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      s[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** uniform_real_distribution<float|double>(from, to) (transformation::uniform_real). */
  uniform(dtype: DType, from: number, to: number): number {
    if (dtype === 'float64') {
      const x = Number(this.random64() & ((1n << 53n) - 1n)) * 2 ** -53;
      return x * (to - from) + from;
    }
    const x = (this.random() & 0xffffff) * 2 ** -24;
    return x * (to - from) + from;
  }

  /** at::normal_distribution<double>(mean, std): Box-Muller, the sine sample cached for the next call. */
  normalDouble(mean: number, std: number): number {
    if (this.nextDoubleNormal !== null) {
      const cached = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return cached * std + mean;
    }
    const u1 = this.uniform('float64', 0, 1);
    const u2 = this.uniform('float64', 0, 1);
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta) * std + mean;
  }
}

function generator(): MT19937 {
  const state = activeInterpreter().moduleState;
  let g = state.get('torch.random') as MT19937 | undefined;
  if (g === undefined) {
    g = new MT19937(DEFAULT_SEED);
    state.set('torch.random', g);
  }
  return g;
}

// ---------------------------------------------------------------- the CPU kernels

/** uniform_kernel: one draw per element, in order. */
function fillUniform(t: Tensor, from: number, to: number): void {
  const g = generator();
  const round = rounder(t.dtype);
  const lo = round(from);
  const hi = round(to);
  const values = new Float64Array(t.numel);
  for (let i = 0; i < values.length; i++) values[i] = round(g.uniform(t.dtype, lo, hi));
  t.write(values);
}

/** normal_kernel: serial Box-Muller (normal_distribution<double>) below 16 elements, else normal_fill. */
function fillNormal(t: Tensor, mean: number, std: number): void {
  const g = generator();
  const n = t.numel;
  const round = rounder(t.dtype);
  const values = new Float64Array(n);
  if (n < 16) {
    for (let i = 0; i < n; i++) values[i] = round(g.normalDouble(mean, std));
  } else {
    // normal_fill: uniforms for every element, then Box-Muller on blocks of 16 (the last block redrawn)
    for (let i = 0; i < n; i++) values[i] = round(g.uniform(t.dtype, 0, 1));
    const block = t.dtype === 'float32' ? (start: number) => normalBlockAvx(values, start, mean, std) : (start: number) => normalBlock(values, start, mean, std);
    for (let i = 0; i + 16 <= n; i += 16) block(i);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) values[i] = round(g.uniform(t.dtype, 0, 1));
      block(n - 16);
    }
  }
  t.write(values);
}

/** normal_fill_16 (double): Box-Muller on 8 pairs of uniforms, in place. */
function normalBlock(values: Float64Array, start: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - values[start + j];
    const u2 = values[start + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    values[start + j] = radius * Math.cos(theta) * std + mean;
    values[start + j + 8] = radius * Math.sin(theta) * std + mean;
  }
}

/** normal_fill_16_AVX2 (float32): avx_mathfun's log and sincos, the last step an fma. */
function normalBlockAvx(values: Float64Array, start: number, mean: number, std: number): void {
  const f = Math.fround;
  const twoPi = f(2 * Math.PI);
  const m = f(mean);
  const s = f(std);
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - values[start + j]);
    const u2 = values[start + j + 8];
    const radius = f(Math.sqrt(f(-2 * logAvx(u1))));
    const [sin, cos] = sincosAvx(f(twoPi * u2));
    // the float32 product of two float32 numbers is exact in a double: one rounding, as fma does
    values[start + j] = f(f(radius * cos) * s + m);
    values[start + j + 8] = f(f(radius * sin) * s + m);
  }
}

/** random_from_to: `random() % range + low` (random64() for ranges of 2^32 and more). */
function fillRandint(t: Tensor, low: number, high: number): void {
  const g = generator();
  const range = BigInt(high) - BigInt(low);
  if (range <= 0n) throw pyError('RuntimeError', `random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const values = new Float64Array(t.numel);
  const wide = range >= 1n << 32n && t.dtype !== 'bool';
  for (let i = 0; i < values.length; i++) {
    const draw = wide ? g.random64() : BigInt(g.random());
    values[i] = Number((draw % range) + BigInt(low));
  }
  t.write(values);
}

// ---------------------------------------------------------------- Python functions

function dtypeOf(v: PyValue | undefined, fallback: DType): DType {
  if (v === undefined || v === null) return fallback;
  if (v instanceof TorchDType) return v.dtype;
  throw pyError('TypeError', `dtype must be torch.dtype, not ${typeName(v)}`);
}

/** Splits `rand(2, 3, dtype=..., requires_grad=...)` into sizes and keyword options. */
function sizeAndOptions(name: string, args: PyValue[], kwargs: Kwargs): { shape: number[]; dtype: PyValue | undefined; requiresGrad: boolean } {
  let dtype: PyValue | undefined;
  let requiresGrad = false;
  let sizeArgs = args;
  if (kwargs !== null) {
    for (const [key, value] of kwargs) {
      if (key === 'dtype') dtype = value;
      else if (key === 'requires_grad') requiresGrad = truthy(value);
      else if (key === 'size') sizeArgs = [value];
      else if (key !== 'device' && key !== 'generator' && key !== 'layout' && key !== 'out') {
        throw pyError('TypeError', `${name}() got an unexpected keyword argument '${key}'`);
      }
    }
  }
  return { shape: sizesArg(name, sizeArgs), dtype, requiresGrad };
}

function fresh(shape: readonly number[], dtype: DType, requiresGrad: boolean): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const t = new Tensor(allocate(dtype, n), shape.slice());
  if (requiresGrad) {
    if (!isFloating(dtype)) throw pyError('RuntimeError', 'Only Tensors of floating point and complex dtype can require gradients');
    t.requiresGrad = true;
  }
  return t;
}

function numberOf(v: PyValue | undefined, fallback: number, what: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw pyError('TypeError', `${what} must be a number, not ${typeName(v)}`);
}

/** Fills in place without recording (as torch's in-place random ops on a leaf under no autograd). */
function inPlace(self: PyValue, name: string, fill: (t: Tensor) => void): PyValue {
  const t = self as Tensor;
  if (t.requiresGrad && t.isLeaf) {
    throw pyError('RuntimeError', 'a leaf Variable that requires grad is being used in an in-place operation.');
  }
  if (!isFloating(t.dtype) && name !== 'random_') throw pyError('RuntimeError', `${name} not implemented for '${t.dtype === 'int64' ? 'Long' : 'Bool'}'`);
  fill(t);
  return t;
}

defineMethods(tensorType, {
  uniform_: (self, args, kwargs) => {
    const [from, to] = parseArgs('uniform_', ['from=', 'to=', 'generator='], args, kwargs);
    return inPlace(self, 'uniform_', (t) => fillUniform(t, numberOf(from, 0, 'from'), numberOf(to, 1, 'to')));
  },
  normal_: (self, args, kwargs) => {
    const [mean, std] = parseArgs('normal_', ['mean=', 'std=', 'generator='], args, kwargs);
    return inPlace(self, 'normal_', (t) => fillNormal(t, numberOf(mean, 0, 'mean'), numberOf(std, 1, 'std')));
  },
});

/** torch.manual_seed, rand, randn, randint, randperm, normal and the *_like forms. */
export function randomFunctions(makeGenerator: () => PyNativeObject): [string, PyValue][] {
  return [
    ['manual_seed', builtin('manual_seed', (args, kwargs) => {
      const [seed] = parseArgs('manual_seed', ['seed'], args, kwargs);
      if (typeof seed !== 'bigint' && typeof seed !== 'boolean') {
        throw pyError('TypeError', `manual_seed expected an int, got ${typeName(seed ?? null)}`);
      }
      const value = typeof seed === 'boolean' ? (seed ? 1n : 0n) : seed;
      activeInterpreter().moduleState.set('torch.random', new MT19937(BigInt.asUintN(64, value)));
      return makeGenerator();
    })],
    ['initial_seed', builtin('initial_seed', () => generator().seed)],
    ['rand', builtin('rand', (args, kwargs) => {
      const { shape, dtype, requiresGrad } = sizeAndOptions('rand', args, kwargs);
      const t = fresh(shape, dtypeOf(dtype, 'float32'), false);
      fillUniform(t, 0, 1);
      t.requiresGrad = requiresGrad;
      return t;
    })],
    ['randn', builtin('randn', (args, kwargs) => {
      const { shape, dtype, requiresGrad } = sizeAndOptions('randn', args, kwargs);
      const t = fresh(shape, dtypeOf(dtype, 'float32'), false);
      fillNormal(t, 0, 1);
      t.requiresGrad = requiresGrad;
      return t;
    })],
    ['rand_like', builtin('rand_like', (args, kwargs) => {
      const [input, dtype] = parseArgs('rand_like', ['input', 'dtype=', 'layout=', 'device=', 'requires_grad=', 'memory_format='], args, kwargs);
      const source = input as Tensor;
      const t = fresh(source.shape, dtypeOf(dtype, source.dtype), false);
      fillUniform(t, 0, 1);
      return t;
    })],
    ['randn_like', builtin('randn_like', (args, kwargs) => {
      const [input, dtype] = parseArgs('randn_like', ['input', 'dtype=', 'layout=', 'device=', 'requires_grad=', 'memory_format='], args, kwargs);
      const source = input as Tensor;
      const t = fresh(source.shape, dtypeOf(dtype, source.dtype), false);
      fillNormal(t, 0, 1);
      return t;
    })],
    ['randint', builtin('randint', (args, kwargs) => {
      // randint(high, size) or randint(low, high, size)
      let rest = args.slice();
      let dtype: PyValue | undefined;
      let sizeKw: PyValue | undefined;
      if (kwargs !== null) {
        for (const [key, value] of kwargs) {
          if (key === 'dtype') dtype = value;
          else if (key === 'size') sizeKw = value;
          else if (key === 'low') rest = [value, ...rest];
          else if (key === 'high') rest = rest.length === 0 ? [value] : [rest[0], value, ...rest.slice(1)];
          else if (key !== 'device' && key !== 'generator' && key !== 'requires_grad') throw pyError('TypeError', `randint() got an unexpected keyword argument '${key}'`);
        }
      }
      if (sizeKw !== undefined) rest.push(sizeKw);
      if (rest.length < 2 || rest.length > 3) throw pyError('TypeError', 'randint() received an invalid combination of arguments');
      const size = rest[rest.length - 1];
      const bounds = rest.slice(0, -1).map((v) => numberOf(v, 0, 'randint bound'));
      const [low, high] = bounds.length === 1 ? [0, bounds[0]] : bounds;
      const t = fresh(sizesArg('randint', [size]), dtypeOf(dtype, 'int64'), false);
      fillRandint(t, low, high);
      return t;
    })],
    ['randperm', builtin('randperm', (args, kwargs) => {
      const [n, , , dtype] = parseArgs('randperm', ['n', 'generator=', 'out=', 'dtype='], args, kwargs);
      const count = Number(numberOf(n, 0, 'n'));
      const g = generator();
      const values = new Float64Array(count);
      for (let i = 0; i < count; i++) values[i] = i;
      for (let i = 0; i < count - 1; i++) {
        const z = g.random() % (count - i);
        const saved = values[i];
        values[i] = values[z + i];
        values[z + i] = saved;
      }
      const t = fresh([count], dtypeOf(dtype, 'int64'), false);
      t.write(values);
      return t;
    })],
    ['normal', builtin('normal', (args, kwargs) => {
      const [mean, std, size] = parseArgs('normal', ['mean', 'std=', 'size=', 'generator=', 'out=', 'dtype=', 'layout=', 'device=', 'requires_grad='], args, kwargs);
      if (size === undefined || size === null) throw pyError('NotImplementedError', 'torch.normal with tensor mean/std is not supported; use torch.normal(mean, std, size)');
      const t = fresh(sizesArg('normal', [size]), 'float32', false);
      fillNormal(t, numberOf(mean, 0, 'mean'), numberOf(std, 1, 'std'));
      return t;
    })],
  ];
}
