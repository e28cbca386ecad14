import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { formatTensor, pythonExponential, pythonFixed } from '../../src/engine/repr.js';
import { Tensor } from '../../src/engine/tensor.js';
import type { DType } from '../../src/engine/dtype.js';

type JsonValue = number | 'NaN' | 'Infinity' | '-Infinity';
type Nested = JsonValue | Nested[];

interface GoldenRepr {
  source: string;
  data: Nested;
  shape: number[];
  dtype: DType;
  requires_grad: boolean;
  is_leaf: boolean;
  grad_fn: string | null;
  repr: string;
}

interface PythonFormat {
  value: number;
  fixed4: string;
  exp4: string;
  fixed0: string;
}

function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
}

function flatten(data: Nested): number[] {
  if (Array.isArray(data)) return data.flatMap(flatten);
  if (data === 'NaN') return [NaN];
  if (data === 'Infinity') return [Infinity];
  if (data === '-Infinity') return [-Infinity];
  return [data];
}

function tensorOf(data: Nested, shape: number[], dtype: DType = 'float32'): Tensor {
  const values = flatten(data);
  return new Tensor(dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), shape);
}

function range(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

describe('formatTensor on the conformance goldens (PyTorch 1.13)', () => {
  const goldens = loadJson<GoldenRepr[]>('./repr_cases.json');
  it('has the extracted cases', () => {
    expect(goldens.length).toBeGreaterThan(300);
  });
  it.each(goldens.map((g) => [g.source, g] as const))('%s', (_source, g) => {
    const t = tensorOf(g.data, g.shape, g.dtype);
    expect(formatTensor(t, { gradFn: g.grad_fn, requiresGrad: g.requires_grad })).toBe(g.repr);
  });
});

describe('formatTensor', () => {
  const f32 = (values: number[], shape: number[] = [values.length]) => tensorOf(values, shape);
  const f64 = (values: number[], shape: number[] = [values.length]) => tensorOf(values, shape, 'float64');

  it('prints scalars with the suffix rules', () => {
    expect(formatTensor(f32([4], []), { gradFn: 'PowBackward0' })).toBe('tensor(4., grad_fn=<PowBackward0>)');
    expect(formatTensor(f32([2], []), { requiresGrad: true })).toBe('tensor(2., requires_grad=True)');
    expect(formatTensor(f32([2], []), { gradFn: 'MulBackward0', requiresGrad: true })).toBe('tensor(2., grad_fn=<MulBackward0>)');
    expect(formatTensor(f64([Math.PI], []), {})).toBe('tensor(3.1416, dtype=torch.float64)');
    expect(formatTensor(f32([-0], []), {})).toBe('tensor(-0.)');
    expect(formatTensor(f32([NaN], []), {})).toBe('tensor(nan)');
  });

  it('prints non-finite values without a dot', () => {
    expect(formatTensor(f32([Infinity, NaN, 1]), {})).toBe('tensor([inf, nan, 1.])');
    expect(formatTensor(f32([-Infinity, 0, NaN]), {})).toBe('tensor([-inf, 0., nan])');
    expect(formatTensor(f32([0, -0]), {})).toBe('tensor([0., -0.])');
  });

  it('prints empty tensors with their size when not 1-D', () => {
    expect(formatTensor(f32([]), {})).toBe('tensor([])');
    expect(formatTensor(f32([], [2, 0]), { requiresGrad: true })).toBe('tensor([], size=(2, 0), requires_grad=True)');
    expect(formatTensor(f64([]), {})).toBe('tensor([], dtype=torch.float64)');
  });

  it('switches to scientific notation on range, size or small magnitude', () => {
    expect(formatTensor(f32([1e-5, 1]), {})).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(formatTensor(f32([-1e-5, 1, 250]), {})).toBe('tensor([-1.0000e-05,  1.0000e+00,  2.5000e+02])');
    expect(formatTensor(f32([1, 2000]), {})).toBe('tensor([1.0000e+00, 2.0000e+03])');
    expect(formatTensor(f32([123456789], []), {})).toBe('tensor(1.2346e+08)');
  });

  it('keeps integer mode up to 1e8 and a range of 1000, right-aligned', () => {
    expect(formatTensor(f32([1e8], []), {})).toBe('tensor(100000000.)');
    expect(formatTensor(f32([10, -1000]), {})).toBe('tensor([   10., -1000.])');
  });

  it('rounds ties half to even on the exact binary value, as Python does', () => {
    expect(formatTensor(f32([0.03125, 1.03125]), {})).toBe('tensor([0.0312, 1.0312])');
    expect(formatTensor(f32([33 * 2 ** -20, 1]), {})).toBe('tensor([3.1471e-05, 1.0000e+00])');
  });

  it('indents 2-D and 3-D tensors, with a blank line between 3-D blocks', () => {
    expect(formatTensor(f32([1, 2], [2, 1]), {})).toBe('tensor([[1.],\n        [2.]])');
    const cube = f32([1.5, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.25], [2, 2, 3]);
    expect(formatTensor(cube, { gradFn: 'ViewBackward0' })).toBe(
      [
        'tensor([[[ 1.5000, -2.0000,  3.0000],',
        '         [ 4.0000,  5.0000,  6.0000]],',
        '',
        '        [[ 7.0000,  8.0000,  9.0000],',
        '         [10.0000, 11.0000, 12.2500]]], grad_fn=<ViewBackward0>)',
      ].join('\n'),
    );
  });

  it('wraps long rows at 80 columns and moves suffixes that do not fit to a new line', () => {
    const row = f32(range(7, (i) => -10 + i * 0.5));
    expect(formatTensor(row, { gradFn: 'PowBackward0' })).toBe(
      'tensor([-10.0000,  -9.5000,  -9.0000,  -8.5000,  -8.0000,  -7.5000,  -7.0000],\n       grad_fn=<PowBackward0>)',
    );
    expect(formatTensor(f64(range(7, (i) => -10 + i * 0.5)), { gradFn: 'PowBackward0' })).toBe(
      'tensor([-10.0000,  -9.5000,  -9.0000,  -8.5000,  -8.0000,  -7.5000,  -7.0000],\n       dtype=torch.float64, grad_fn=<PowBackward0>)',
    );
    expect(formatTensor(f64(range(20, (i) => i * 0.37)), { requiresGrad: true })).toBe(
      [
        'tensor([0.0000, 0.3700, 0.7400, 1.1100, 1.4800, 1.8500, 2.2200, 2.5900, 2.9600,',
        '        3.3300, 3.7000, 4.0700, 4.4400, 4.8100, 5.1800, 5.5500, 5.9200, 6.2900,',
        '        6.6600, 7.0300], dtype=torch.float64, requires_grad=True)',
      ].join('\n'),
    );
    expect(formatTensor(f32(range(16, (i) => 10 ** (i - 6))), { gradFn: 'ExpBackward0' })).toBe(
      [
        'tensor([1.0000e-06, 1.0000e-05, 1.0000e-04, 1.0000e-03, 1.0000e-02, 1.0000e-01,',
        '        1.0000e+00, 1.0000e+01, 1.0000e+02, 1.0000e+03, 1.0000e+04, 1.0000e+05,',
        '        1.0000e+06, 1.0000e+07, 1.0000e+08, 1.0000e+09],',
        '       grad_fn=<ExpBackward0>)',
      ].join('\n'),
    );
  });

  it('summarises 1-D tensors of more than 1000 elements with 3 edge items', () => {
    expect(formatTensor(f32(range(1001, (i) => i)), { requiresGrad: true })).toBe(
      'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.], requires_grad=True)',
    );
    expect(formatTensor(f32(range(1000, (i) => i)), {})).toContain('999.])');
    expect(formatTensor(f32(range(1000, (i) => i)), {})).not.toContain('...');
    expect(formatTensor(f64(range(1200, (i) => (i % 2 === 0 ? 1 : 0.5))), { gradFn: 'MulBackward0' })).toBe(
      'tensor([1.0000, 0.5000, 1.0000,  ..., 0.5000, 1.0000, 0.5000],\n       dtype=torch.float64, grad_fn=<MulBackward0>)',
    );
  });

  it('chooses the format from the printed elements only', () => {
    const values = range(1001, (i) => (i < 3 ? 1 : i >= 998 ? 2 : 0.5));
    expect(formatTensor(f32(values), {})).toBe('tensor([1., 1., 1.,  ..., 2., 2., 2.])');
  });

  it('summarises every dimension of 2-D and 3-D tensors', () => {
    const matrix = f32(range(1200, (i) => 1 + i * 0.25), [30, 40]);
    expect(formatTensor(matrix, { requiresGrad: true })).toBe(
      [
        'tensor([[  1.0000,   1.2500,   1.5000,  ...,  10.2500,  10.5000,  10.7500],',
        '        [ 11.0000,  11.2500,  11.5000,  ...,  20.2500,  20.5000,  20.7500],',
        '        [ 21.0000,  21.2500,  21.5000,  ...,  30.2500,  30.5000,  30.7500],',
        '        ...,',
        '        [271.0000, 271.2500, 271.5000,  ..., 280.2500, 280.5000, 280.7500],',
        '        [281.0000, 281.2500, 281.5000,  ..., 290.2500, 290.5000, 290.7500],',
        '        [291.0000, 291.2500, 291.5000,  ..., 300.2500, 300.5000, 300.7500]],',
        '       requires_grad=True)',
      ].join('\n'),
    );
    const wide = f32(range(1600, (i) => i * 0.5), [40, 40]);
    expect(formatTensor(wide, { gradFn: 'MulBackward0' })).toBe(
      [
        'tensor([[0.0000e+00, 5.0000e-01, 1.0000e+00,  ..., 1.8500e+01, 1.9000e+01,',
        '         1.9500e+01],',
        '        [2.0000e+01, 2.0500e+01, 2.1000e+01,  ..., 3.8500e+01, 3.9000e+01,',
        '         3.9500e+01],',
        '        [4.0000e+01, 4.0500e+01, 4.1000e+01,  ..., 5.8500e+01, 5.9000e+01,',
        '         5.9500e+01],',
        '        ...,',
        '        [7.4000e+02, 7.4050e+02, 7.4100e+02,  ..., 7.5850e+02, 7.5900e+02,',
        '         7.5950e+02],',
        '        [7.6000e+02, 7.6050e+02, 7.6100e+02,  ..., 7.7850e+02, 7.7900e+02,',
        '         7.7950e+02],',
        '        [7.8000e+02, 7.8050e+02, 7.8100e+02,  ..., 7.9850e+02, 7.9900e+02,',
        '         7.9950e+02]], grad_fn=<MulBackward0>)',
      ].join('\n'),
    );
    const cube = f32(range(7 * 12 * 12, (i) => 1000 + i), [7, 12, 12]);
    expect(formatTensor(cube, {})).toBe(
      [
        'tensor([[[1000., 1001., 1002.,  ..., 1009., 1010., 1011.],',
        '         [1012., 1013., 1014.,  ..., 1021., 1022., 1023.],',
        '         [1024., 1025., 1026.,  ..., 1033., 1034., 1035.],',
        '         ...,',
        '         [1108., 1109., 1110.,  ..., 1117., 1118., 1119.],',
        '         [1120., 1121., 1122.,  ..., 1129., 1130., 1131.],',
        '         [1132., 1133., 1134.,  ..., 1141., 1142., 1143.]],',
        '',
        '        [[1144., 1145., 1146.,  ..., 1153., 1154., 1155.],',
        '         [1156., 1157., 1158.,  ..., 1165., 1166., 1167.],',
        '         [1168., 1169., 1170.,  ..., 1177., 1178., 1179.],',
        '         ...,',
        '         [1252., 1253., 1254.,  ..., 1261., 1262., 1263.],',
        '         [1264., 1265., 1266.,  ..., 1273., 1274., 1275.],',
        '         [1276., 1277., 1278.,  ..., 1285., 1286., 1287.]],',
        '',
        '        [[1288., 1289., 1290.,  ..., 1297., 1298., 1299.],',
        '         [1300., 1301., 1302.,  ..., 1309., 1310., 1311.],',
        '         [1312., 1313., 1314.,  ..., 1321., 1322., 1323.],',
        '         ...,',
        '         [1396., 1397., 1398.,  ..., 1405., 1406., 1407.],',
        '         [1408., 1409., 1410.,  ..., 1417., 1418., 1419.],',
        '         [1420., 1421., 1422.,  ..., 1429., 1430., 1431.]],',
        '',
        '        ...,',
        '',
        '        [[1576., 1577., 1578.,  ..., 1585., 1586., 1587.],',
        '         [1588., 1589., 1590.,  ..., 1597., 1598., 1599.],',
        '         [1600., 1601., 1602.,  ..., 1609., 1610., 1611.],',
        '         ...,',
        '         [1684., 1685., 1686.,  ..., 1693., 1694., 1695.],',
        '         [1696., 1697., 1698.,  ..., 1705., 1706., 1707.],',
        '         [1708., 1709., 1710.,  ..., 1717., 1718., 1719.]],',
        '',
        '        [[1720., 1721., 1722.,  ..., 1729., 1730., 1731.],',
        '         [1732., 1733., 1734.,  ..., 1741., 1742., 1743.],',
        '         [1744., 1745., 1746.,  ..., 1753., 1754., 1755.],',
        '         ...,',
        '         [1828., 1829., 1830.,  ..., 1837., 1838., 1839.],',
        '         [1840., 1841., 1842.,  ..., 1849., 1850., 1851.],',
        '         [1852., 1853., 1854.,  ..., 1861., 1862., 1863.]],',
        '',
        '        [[1864., 1865., 1866.,  ..., 1873., 1874., 1875.],',
        '         [1876., 1877., 1878.,  ..., 1885., 1886., 1887.],',
        '         [1888., 1889., 1890.,  ..., 1897., 1898., 1899.],',
        '         ...,',
        '         [1972., 1973., 1974.,  ..., 1981., 1982., 1983.],',
        '         [1984., 1985., 1986.,  ..., 1993., 1994., 1995.],',
        '         [1996., 1997., 1998.,  ..., 2005., 2006., 2007.]]])',
      ].join('\n'),
    );
  });

  it('reads only the printed elements of a summarised tensor', () => {
    const storage = Float32Array.from(range(1_000_000, (i) => i % 7));
    const readIndices = new Set<string>();
    let reads = 0;
    const counted = new Proxy(storage, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          reads++;
          readIndices.add(key);
        }
        return Reflect.get(target, key) as unknown;
      },
    });
    const text = formatTensor(new Tensor(counted, [1000, 1000]), {});
    expect(text.split('\n')[0]).toBe('tensor([[0., 1., 2.,  ..., 3., 4., 5.],');
    expect(readIndices.size).toBe(36);
    expect(reads).toBeLessThanOrEqual(2 * 36);
  });
});

describe("Python's float formatting", () => {
  const vectors = loadJson<PythonFormat[]>('./repr_number_format.json');
  it.each(vectors.map((v) => [v.value, v] as const))('%s', (_value, v) => {
    expect(pythonFixed(v.value, 4)).toBe(v.fixed4);
    expect(pythonExponential(v.value, 4)).toBe(v.exp4);
    expect(pythonFixed(v.value, 0)).toBe(v.fixed0);
  });
});
