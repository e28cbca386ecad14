import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  asciiRepr,
  floatRepr,
  FormatError,
  formatWithSpec,
  intRepr,
  PercentMapping,
  percentFormat,
  pyLen,
  roundFloat,
  roundFloatToInt,
  roundInt,
  strFormat,
  strRepr,
  type PyPrimitive,
} from '../../src/python/format.js';

// Tables computed by CPython 3.11 (see fixtures/README.md).
type Encoded = ['f' | 'i' | 's', string] | ['b', boolean];
type Expected = string | [string, string];

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;

const bitsView = new DataView(new ArrayBuffer(8));
function fromBits(hex: string): number {
  bitsView.setBigUint64(0, BigInt('0x' + hex));
  return bitsView.getFloat64(0);
}
function toBits(x: number): string {
  bitsView.setFloat64(0, x);
  return bitsView.getBigUint64(0).toString(16).padStart(16, '0');
}
function decode(e: Encoded): PyPrimitive {
  if (e[0] === 'f') return fromBits(e[1] as string);
  if (e[0] === 'i') return BigInt(e[1] as string);
  return e[1];
}
function outcome(fn: () => string): Expected {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) return [e.pythonType, e.message];
    throw e;
  }
}

/** Checks every row and reports the first mismatches (all rows must agree). */
function expectAllRows<R>(rows: R[], check: (row: R) => { got: unknown; want: unknown }): void {
  const mismatches: string[] = [];
  for (const row of rows) {
    const { got, want } = check(row);
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(row)} -> ${JSON.stringify(got)}`);
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
  expect(rows.length).toBeGreaterThan(0);
}

const noHook = (v: unknown): string => {
  throw new Error(`unexpected non-primitive ${String(v)}`);
};

describe('floatRepr', () => {
  it('gives the examples Python gives', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [26.99810218811035, '26.99810218811035'],
      [1e-5, '1e-05'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [9999999999999998, '9999999999999998.0'],
      [1.5e300, '1.5e+300'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
      [NaN, 'nan'],
      [-0, '-0.0'],
      [0, '0.0'],
      [2, '2.0'],
      [100, '100.0'],
      [0.0001, '0.0001'],
      [5e-324, '5e-324'],
      [Math.fround(0.1), '0.10000000149011612'],
    ];
    for (const [x, want] of cases) expect(floatRepr(x)).toBe(want);
  });

  const rows = fixture<[string, string][]>('format_float_repr');
  it(`matches repr() on ${rows.length} floats`, () => {
    expectAllRows(rows, ([bits, want]) => ({ got: floatRepr(fromBits(bits)), want }));
  });
});

describe('intRepr and strRepr', () => {
  it('prints ints of any size', () => {
    expect(intRepr(-(2n ** 100n))).toBe('-1267650600228229401496703205376');
  });

  it('chooses quotes and escapes as Python does', () => {
    expect(strRepr("it's")).toBe(`"it's"`);
    expect(strRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(strRepr('a\nb\t\\')).toBe("'a\\nb\\t\\\\'");
    expect(strRepr('é日本😀')).toBe("'é日本😀'");
    expect(strRepr('\x00\x7f\x85\xa0')).toBe("'\\x00\\x7f\\x85\\xa0'");
    // ASCII-only text takes a path of its own (one native replace): CPython 3.11's repr() of each
    expect(strRepr('\x00\x1f\x7f\x01')).toBe("'\\x00\\x1f\\x7f\\x01'");
    expect(strRepr('it\'s\t"x"\\')).toBe(`'it\\'s\\t"x"\\\\'`);
    expect(strRepr('say "hi"\n')).toBe(`'say "hi"\\n'`);
    const printed = 'tensor([-10.0000,  -9.9800,\n        -9.9600], requires_grad=True)\n'.repeat(40);
    expect(strRepr(printed)).toBe(`'${'tensor([-10.0000,  -9.9800,\\n        -9.9600], requires_grad=True)\\n'.repeat(40)}'`);
    expect(asciiRepr('é日😀')).toBe("'\\xe9\\u65e5\\U0001f600'");
    expect(pyLen('a😀')).toBe(2);
  });

  const rows = fixture<[string, string, string][]>('format_str_repr');
  it(`matches repr() and ascii() on ${rows.length} strings`, () => {
    expectAllRows(rows, ([s, repr, ascii]) => ({ got: [strRepr(s), asciiRepr(s)], want: [repr, ascii] }));
  });
});

describe('formatWithSpec', () => {
  it('rounds the exact binary value half to even', () => {
    expect(formatWithSpec(2.675, '.2f')).toBe('2.67');
    expect(formatWithSpec(0.125, '.2f')).toBe('0.12');
    expect(formatWithSpec(0.375, '.2f')).toBe('0.38');
    expect(formatWithSpec(2.5, '.0f')).toBe('2');
    expect(formatWithSpec(125, '.1e')).toBe('1.2e+02');
  });

  it('lays out zero padding with grouping, signs and prefixes', () => {
    expect(formatWithSpec(1234n, '08,')).toBe('0,001,234');
    expect(formatWithSpec(255n, '#010x')).toBe('0x000000ff');
    expect(formatWithSpec(-0.0001, 'z.2f')).toBe('0.00');
    expect(formatWithSpec(true, '>6')).toBe('     1');
    expect(formatWithSpec(true, '')).toBe('True');
    expect(formatWithSpec('ab', '05')).toBe('ab000');
    expect(formatWithSpec(123.0, '.3')).toBe('1.23e+02');
  });

  it('raises Python errors as FormatError', () => {
    const error = (() => {
      try {
        formatWithSpec(1.5, 'd');
      } catch (e) {
        return e;
      }
    })() as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.pythonType).toBe('ValueError');
    expect(error.message).toBe("Unknown format code 'd' for object of type 'float'");
  });

  for (const table of ['format_spec_float', 'format_spec_int', 'format_spec_str']) {
    const rows = fixture<[Encoded, string, Expected][]>(table);
    it(`matches format() on ${rows.length} rows of ${table}`, () => {
      expectAllRows(rows, ([value, spec, want]) => ({ got: outcome(() => formatWithSpec(decode(value), spec)), want }));
    });
  }
});

describe('round', () => {
  it('rounds ties of the exact value to even', () => {
    expect(roundFloat(2.675, 2)).toBe(2.67);
    expect(roundFloat(0.125, 2)).toBe(0.12);
    expect(roundFloat(1234.5, -2)).toBe(1200);
    expect(roundFloatToInt(2.5)).toBe(2n);
    expect(roundFloatToInt(-3.5)).toBe(-4n);
    expect(roundInt(1250n, -2n)).toBe(1200n);
    expect(roundInt(-1350n, -2n)).toBe(-1400n);
  });

  const rows = fixture<[string | Encoded, number | null, Expected][]>('format_round');
  it(`matches round() on ${rows.length} rows`, () => {
    expectAllRows(rows, ([x, n, want]) => {
      let got: Expected;
      if (Array.isArray(x)) got = outcome(() => roundInt(BigInt(x[1] as string), BigInt(n!)).toString());
      else if (n === null) got = outcome(() => roundFloatToInt(fromBits(x)).toString());
      else got = outcome(() => toBits(roundFloat(fromBits(x), n)));
      return { got, want };
    });
  });
});

describe('percentFormat', () => {
  type Args = { t: Encoded[] } | { v: Encoded } | { m: Record<string, Encoded> };
  const rows = fixture<[string, Args, Expected][]>('format_percent');
  it(`matches template % args on ${rows.length} rows`, () => {
    expectAllRows(rows, ([template, args, want]) => {
      let operand: unknown[] | Record<string, unknown>;
      if ('t' in args) operand = args.t.map(decode);
      else if ('v' in args) operand = [decode(args.v)];
      else operand = Object.fromEntries(Object.entries(args.m).map(([k, v]) => [k, decode(v)]));
      return { got: outcome(() => percentFormat(template, operand, noHook, noHook)), want };
    });
  });

  it('formats other values through the str/repr callbacks and hooks', () => {
    const none = { python: 'None' };
    const tensor = { python: 'tensor(2.5000)', value: 2.5 };
    const str = (v: unknown) => (v === none ? 'None' : (v as { python: string }).python);
    const repr = (v: unknown) => `<${str(v)}>`;
    const hooks = {
      typeName: (v: unknown) => (v === none ? 'NoneType' : 'Tensor'),
      toFloat: (v: unknown) => (v === tensor ? tensor.value : undefined),
      toInt: (v: unknown) => (v === tensor ? 2n : undefined),
    };
    expect(percentFormat('%s %r', [none, tensor], str, repr, hooks)).toBe('None <tensor(2.5000)>');
    expect(percentFormat('%.2f|%d|%x', [tensor, tensor, tensor], str, repr, hooks)).toBe('2.50|2|2');
    expect(() => percentFormat('%d', [none], str, repr, hooks)).toThrow('%d format: a real number is required, not NoneType');
    expect(() => percentFormat('%f', [none], str, repr, hooks)).toThrow('must be real number, not NoneType');
    const dict = { python: "{'a': 1}" };
    const mapping = new PercentMapping(dict, (key) => {
      if (key === 'a') return 1n;
      throw new FormatError('KeyError', strRepr(key));
    });
    expect(percentFormat('%s', mapping, str, repr)).toBe("{'a': 1}");
    expect(percentFormat('%(a)03d', mapping, str, repr)).toBe('001');
    expect(() => percentFormat('%(b)s', mapping, str, repr)).toThrow("'b'");
  });
});

describe('strFormat', () => {
  const rows = fixture<[string, Encoded[], Record<string, Encoded>, Expected][]>('format_str_format');
  it(`matches str.format on ${rows.length} rows`, () => {
    expectAllRows(rows, ([template, positional, keywords, want]) => {
      const kw = Object.fromEntries(Object.entries(keywords).map(([k, v]) => [k, decode(v)]));
      return { got: outcome(() => strFormat(template, positional.map(decode), kw, noHook)), want };
    });
  });

  it('hands other values, attributes and items to the hooks', () => {
    const point = { x: 1.5, items: ['a', 'b'] };
    const hooks = {
      format: (v: unknown, spec: string) => `<obj:${spec}>`,
      repr: () => 'Point()',
      str: () => 'point',
      getAttr: (v: unknown, name: string) => (v === point && name === 'x' ? point.x : v === point && name === 'items' ? point.items : undefined),
      getItem: (v: unknown, key: bigint | string) => (Array.isArray(v) && typeof key === 'bigint' ? v[Number(key)] : undefined),
    };
    expect(strFormat('{0.x:.2f} {p.items[1]} {0} {0!r:>9} {0!s}', [point], new Map([['p', point]]), hooks)).toBe(
      '1.50 b <obj:>   Point() point',
    );
    expect(strFormat('{}-{}', [1n, 'a'], {}, hooks.format)).toBe('1-a');
  });
});
