/**
 * The golden-case comparison of the conformance README (what check.py does),
 * so `npm test` judges answers the same way the live checker does.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface GoldenCase {
  name: string;
  tags: string[];
  request: Record<string, unknown>;
  status: number;
  tolerance?: Tolerance;
  expect: {
    result?: string;
    detail_contains?: string;
    tensors?: Record<string, Record<string, Json>>;
    trace?: Json[];
  };
}

function decode(v: Json): Json | number {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

function flat(v: Json): Json[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

/** allclose(actual, expected); NaN equals NaN, infinities must match. */
export function close(actual: Json | undefined, expected: Json, tol: Tolerance): boolean {
  if (actual === null || actual === undefined || expected === null) return actual === expected || (actual === undefined && expected === null);
  const a = flat(actual).map(decode);
  const e = flat(expected).map(decode);
  if (a.length !== e.length) return false;
  return a.every((x, i) => {
    const y = e[i] as number;
    if (typeof x !== 'number') return false;
    if (Number.isNaN(y)) return Number.isNaN(x);
    if (!Number.isFinite(y)) return x === y;
    return Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y);
  });
}

interface TraceNode {
  id: number;
  name: string;
  next?: [number | null, number][];
  variable?: string | null;
}

/** Renumbers a served trace in depth-first pre-order from its root, as the oracle lists it. */
export function canonicalTrace(trace: { root: number; nodes: TraceNode[] } | null): Json[] | null {
  if (trace === null) return null;
  const nodes = new Map(trace.nodes.map((n) => [n.id, n]));
  const order: Record<string, Json>[] = [];
  const index = new Map<number, number>();
  const visit = (id: number): number => {
    const known = index.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id) as TraceNode;
    index.set(id, order.length);
    const record: Record<string, Json> = { name: node.name };
    order.push(record);
    if (node.name === 'AccumulateGrad') record.variable = node.variable ?? null;
    else record.next = (node.next ?? []).map(([child, nr]) => [child === null ? null : visit(child), nr]);
    return index.get(id) as number;
  };
  visit(trace.root);
  return order;
}

/** Every difference between an answer and a golden case, as readable lines (empty: pass). */
export function compareCase(c: GoldenCase, status: number, contentType: string, body: any): string[] {
  if (status !== c.status) return [`status ${status}, expected ${c.status}: ${JSON.stringify(body).slice(0, 300)}`];
  const problems: string[] = [];
  if (status !== 200) {
    if (!contentType.includes('application/problem+json')) problems.push(`content-type ${contentType}`);
    const want = c.expect.detail_contains;
    if (want && !String(body.detail ?? '').includes(want)) problems.push(`detail ${JSON.stringify(body.detail)} lacks ${JSON.stringify(want)}`);
    return problems;
  }
  const tol = c.tolerance as Tolerance;
  if (body.result !== c.expect.result) problems.push(`result ${body.result}, expected ${c.expect.result}`);
  for (const [name, expected] of Object.entries(c.expect.tensors ?? {})) {
    const got = body.tensors?.[name];
    if (!got) {
      problems.push(`tensor ${name} missing`);
      continue;
    }
    for (const key of ['shape', 'dtype', 'requires_grad', 'is_leaf', 'grad_fn']) {
      if (JSON.stringify(got[key]) !== JSON.stringify(expected[key])) problems.push(`${name}.${key} = ${JSON.stringify(got[key])}, expected ${JSON.stringify(expected[key])}`);
    }
    if (!close(got.data, expected.data, tol)) problems.push(`${name}.data = ${JSON.stringify(got.data).slice(0, 200)}, expected ${JSON.stringify(expected.data).slice(0, 200)}`);
    if (!close(got.grad, expected.grad, tol)) problems.push(`${name}.grad = ${JSON.stringify(got.grad).slice(0, 200)}, expected ${JSON.stringify(expected.grad).slice(0, 200)}`);
    if (got.repr !== expected.repr) problems.push(`${name}.repr = ${JSON.stringify(got.repr)}, expected ${JSON.stringify(expected.repr)}`);
  }
  if (c.expect.trace) {
    const trace = canonicalTrace(body.trace);
    if (JSON.stringify(trace) !== JSON.stringify(c.expect.trace)) problems.push(`trace ${JSON.stringify(trace)}, expected ${JSON.stringify(c.expect.trace)}`);
  }
  return problems;
}
