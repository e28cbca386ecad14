/** Python's `math` module: float functions with CPython's domain and range errors. */
import { builtin, parseArgs, toFloatValue, toInt } from '../builtins.js';
import { pyError } from '../exceptions.js';
import { asIndex, runtime, toArray, typeName } from '../objects.js';
import { binaryOp, floatPow } from '../operators.js';
import { PyModule, type PyValue } from '../values.js';

function domainError(): Error {
  return pyError('ValueError', 'math domain error');
}

function rangeError(): Error {
  return pyError('OverflowError', 'math range error');
}

/** A float function of one argument; `domain` says where it is defined (outside: ValueError). */
function unary(name: string, fn: (x: number) => number, domain: (x: number) => boolean = () => true, overflows = false): [string, PyValue] {
  return [
    name,
    builtin(name, (args, kwargs) => {
      const [x] = parseArgs(name, ['x'], args, kwargs);
      const v = toFloatValue(x as PyValue);
      if (Number.isNaN(v)) return v;
      if (!domain(v)) throw domainError();
      const result = fn(v);
      if (Number.isNaN(result)) throw domainError();
      if (overflows && !Number.isFinite(result) && Number.isFinite(v)) throw rangeError();
      return result;
    }),
  ];
}

function intResult(name: string, fn: (x: number) => number): [string, PyValue] {
  return [
    name,
    builtin(name, (args) => {
      const x = args[0];
      if (typeof x === 'bigint') return x;
      if (typeof x === 'boolean') return x ? 1n : 0n;
      const v = toFloatValue(x);
      if (Number.isNaN(v)) throw pyError('ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(v)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
      return BigInt(fn(v));
    }),
  ];
}

function nonNegativeInt(v: PyValue, fname: string): bigint {
  const n = asIndex(v);
  if (n === null || typeof v === 'number') throw pyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  const big = typeof v === 'bigint' ? v : BigInt(n);
  if (big < 0n) throw pyError('ValueError', `${fname}() not defined for negative values`);
  return big;
}

/** erf by its series / continued fraction, to double precision. */
function erf(x: number): number {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? x : Math.sign(x);
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Taylor series: 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

/** erfc for x >= 2.5 by a continued fraction. */
function erfcLarge(x: number): number {
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

function erfc(x: number): number {
  if (x >= 2.5) return erfcLarge(x);
  return 1 - erf(x);
}

/** Lanczos approximation of the gamma function. */
function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const y = x - 1;
  let a = c[0];
  const t = y + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (y + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, y + 0.5) * Math.exp(-t) * a;
}

export function makeMath(): PyModule {
  const entries: [string, PyValue][] = [
    ['pi', Math.PI],
    ['e', Math.E],
    ['tau', 2 * Math.PI],
    ['inf', Infinity],
    ['nan', NaN],
    unary('sqrt', Math.sqrt, (x) => x >= 0),
    unary('exp', Math.exp, () => true, true),
    unary('expm1', Math.expm1, () => true, true),
    unary('log10', Math.log10, (x) => x > 0),
    unary('log2', Math.log2, (x) => x > 0),
    unary('log1p', Math.log1p, (x) => x > -1),
    unary('sin', Math.sin, (x) => Number.isFinite(x)),
    unary('cos', Math.cos, (x) => Number.isFinite(x)),
    unary('tan', Math.tan, (x) => Number.isFinite(x)),
    unary('asin', Math.asin, (x) => x >= -1 && x <= 1),
    unary('acos', Math.acos, (x) => x >= -1 && x <= 1),
    unary('atan', Math.atan),
    unary('sinh', Math.sinh, () => true, true),
    unary('cosh', Math.cosh, () => true, true),
    unary('tanh', Math.tanh),
    unary('asinh', Math.asinh),
    unary('acosh', Math.acosh, (x) => x >= 1),
    unary('atanh', Math.atanh, (x) => x > -1 && x < 1),
    unary('fabs', Math.abs),
    unary('degrees', (x) => x * (180 / Math.PI)),
    unary('radians', (x) => x * (Math.PI / 180)),
    unary('erf', erf),
    unary('erfc', erfc),
    unary('gamma', gamma, (x) => !(Number.isInteger(x) && x <= 0), true),
    unary('lgamma', (x) => Math.log(Math.abs(gamma(x))), (x) => !(Number.isInteger(x) && x <= 0), true),
    intResult('floor', Math.floor),
    intResult('ceil', Math.ceil),
    intResult('trunc', Math.trunc),
    [
      'log',
      builtin('log', (args, kwargs) => {
        const [x, base] = parseArgs('log', ['x', 'base='], args, kwargs);
        const ln = (v: PyValue): number => {
          if (typeof v === 'bigint' && v > 0n && v > 2n ** 1000n) {
            // ln of a huge int: by its decimal length
            const digits = v.toString();
            return Math.log(Number('0.' + digits.slice(0, 17))) + digits.length * Math.LN10;
          }
          const f = toFloatValue(v);
          if (Number.isNaN(f)) return f;
          if (f <= 0) throw domainError();
          return Math.log(f);
        };
        const value = ln(x as PyValue);
        if (base === undefined) return value;
        const b = ln(base);
        if (b === 0) throw pyError('ZeroDivisionError', 'float division by zero');
        return value / b;
      }),
    ],
    [
      'pow',
      builtin('pow', (args, kwargs) => {
        const [x, y] = parseArgs('pow', ['x', 'y'], args, kwargs);
        const a = toFloatValue(x as PyValue);
        const b = toFloatValue(y as PyValue);
        if (a === 0 && b < 0) throw domainError();
        try {
          return floatPow(a, b);
        } catch (error) {
          if (error instanceof Error && error.name === 'ValueError') throw domainError();
          if (error instanceof Error && error.name === 'OverflowError') throw rangeError();
          throw error;
        }
      }),
    ],
    [
      'atan2',
      builtin('atan2', (args, kwargs) => {
        const [y, x] = parseArgs('atan2', ['y', 'x'], args, kwargs);
        return Math.atan2(toFloatValue(y as PyValue), toFloatValue(x as PyValue));
      }),
    ],
    [
      'hypot',
      builtin('hypot', (args) => Math.hypot(...args.map(toFloatValue))),
    ],
    [
      'copysign',
      builtin('copysign', (args, kwargs) => {
        const [x, y] = parseArgs('copysign', ['x', 'y'], args, kwargs);
        const a = Math.abs(toFloatValue(x as PyValue));
        const b = toFloatValue(y as PyValue);
        return b < 0 || Object.is(b, -0) ? -a : a;
      }),
    ],
    [
      'fmod',
      builtin('fmod', (args, kwargs) => {
        const [x, y] = parseArgs('fmod', ['x', 'y'], args, kwargs);
        const a = toFloatValue(x as PyValue);
        const b = toFloatValue(y as PyValue);
        if (b === 0 || !Number.isFinite(a)) throw domainError();
        return a % b;
      }),
    ],
    [
      'isclose',
      builtin('isclose', (args, kwargs) => {
        const [a, b, relTol, absTol] = parseArgs('isclose', ['a', 'b', 'rel_tol=', 'abs_tol='], args, kwargs);
        const x = toFloatValue(a as PyValue);
        const y = toFloatValue(b as PyValue);
        const rel = relTol === undefined ? 1e-9 : toFloatValue(relTol);
        const abs = absTol === undefined ? 0 : toFloatValue(absTol);
        if (rel < 0 || abs < 0) throw pyError('ValueError', 'tolerances must be non-negative');
        if (x === y) return true;
        if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
        const diff = Math.abs(y - x);
        return diff <= Math.abs(rel * y) || diff <= Math.abs(rel * x) || diff <= abs;
      }),
    ],
    ['isfinite', builtin('isfinite', (args) => Number.isFinite(toFloatValue(args[0])))],
    ['isinf', builtin('isinf', (args) => {
      const v = toFloatValue(args[0]);
      return v === Infinity || v === -Infinity;
    })],
    ['isnan', builtin('isnan', (args) => Number.isNaN(toFloatValue(args[0])))],
    [
      'factorial',
      builtin('factorial', (args) => {
        const x = args[0];
        if (typeof x === 'number') throw pyError('TypeError', "'float' object cannot be interpreted as an integer");
        const n = nonNegativeInt(x, 'factorial');
        if (n > 5000n) throw pyError('MemoryError', `factorial(${n}) is larger than this service computes`);
        runtime.charge(Number(n));
        let result = 1n;
        for (let i = 2n; i <= n; i++) result *= i;
        return result;
      }),
    ],
    [
      'gcd',
      builtin('gcd', (args) => {
        let g = 0n;
        for (const a of args) {
          let b = toInt(a);
          if (b < 0n) b = -b;
          let x = g;
          while (b !== 0n) [x, b] = [b, x % b];
          g = x;
        }
        return g;
      }),
    ],
    [
      'comb',
      builtin('comb', (args) => {
        const n = nonNegativeInt(args[0], 'comb');
        const k = nonNegativeInt(args[1], 'comb');
        if (k > n) return 0n;
        if (n > 100000n) throw pyError('MemoryError', 'comb() of numbers this large is not computed here');
        let result = 1n;
        const kk = k < n - k ? k : n - k;
        for (let i = 1n; i <= kk; i++) result = (result * (n - kk + i)) / i;
        return result;
      }),
    ],
    [
      'perm',
      builtin('perm', (args) => {
        const n = nonNegativeInt(args[0], 'perm');
        const k = args.length > 1 && args[1] !== null ? nonNegativeInt(args[1], 'perm') : n;
        if (k > n) return 0n;
        if (n > 100000n) throw pyError('MemoryError', 'perm() of numbers this large is not computed here');
        let result = 1n;
        for (let i = n - k + 1n; i <= n; i++) result *= i;
        return result;
      }),
    ],
    [
      'isqrt',
      builtin('isqrt', (args) => {
        const n = nonNegativeInt(args[0], 'isqrt');
        if (n < 2n) return n;
        let x = BigInt(Math.floor(Math.sqrt(Number(n))));
        while (x * x > n) x--;
        while ((x + 1n) * (x + 1n) <= n) x++;
        return x;
      }),
    ],
    [
      'fsum',
      builtin('fsum', (args) => {
        // Neumaier summation; exact enough for the partials CPython keeps in the common cases
        let sum = 0;
        let compensation = 0;
        for (const item of toArray(args[0])) {
          const v = toFloatValue(item);
          const t = sum + v;
          compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
          sum = t;
        }
        return sum + compensation;
      }),
    ],
    [
      'prod',
      builtin('prod', (args, kwargs) => {
        const [iterable, start] = parseArgs('prod', ['iterable', 'start='], args, kwargs);
        let result: PyValue = start ?? 1n;
        for (const item of toArray(iterable as PyValue)) result = runtimeMultiply(result, item);
        return result;
      }),
    ],
  ];
  return new PyModule('math', new Map(entries));
}

function runtimeMultiply(a: PyValue, b: PyValue): PyValue {
  return binaryOp('Mult', a, b);
}
