/**
 * The elementwise chain y = sum(relu(x) * x**2 + exp(-x)) two ways:
 * through the engine's ops and autograd, and as one hand-written Float32Array
 * loop that performs the same float32 roundings in the same order (so both
 * give bit-identical values and gradients; test/bench/chain.test.ts checks it).
 */
import { backward } from '../src/engine/autograd.js';
import { materializeTogether } from '../src/engine/kernels/fusion.js';
import { sumContiguous } from '../src/engine/kernels/sum.js';
import { add } from '../src/engine/ops/add.js';
import { exp } from '../src/engine/ops/exp.js';
import { mul } from '../src/engine/ops/mul.js';
import { neg } from '../src/engine/ops/neg.js';
import { pow } from '../src/engine/ops/pow.js';
import { relu } from '../src/engine/ops/relu.js';
import { sum } from '../src/engine/ops/sum.js';
import { Tensor } from '../src/engine/tensor.js';

export interface ChainResult {
  y: number;
  grad: Float32Array;
}

/** Forward and backward through the engine, as a request would run them. */
export function chainEngine(x: Float32Array): ChainResult {
  const leaf = new Tensor(x, [x.length], { requiresGrad: true });
  const y = sum(add(mul(relu(leaf), pow(leaf, 2)), exp(neg(leaf))));
  backward(y);
  // As an answer reads them (src/program/run.ts): the values it reports, computed together.
  materializeTogether([y, leaf.grad]);
  return { y: y.item(), grad: (leaf.grad as Tensor).data as Float32Array };
}

/**
 * The same computation as one loop. Backward, in the engine's order: the exp
 * branch reaches x first (-e), then the pow branch (r · 2x), then relu's (p · mask).
 */
export function chainFused(x: Float32Array): ChainResult {
  const n = x.length;
  const terms = new Float32Array(n);
  const grad = new Float32Array(n);
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const r = v < 0 ? 0 : v;
    const p = f(v * v);
    const e = f(Math.exp(-v));
    terms[i] = f(f(r * p) + e);
    grad[i] = f(f(-e + f(r * f(2 * v))) + (r <= 0 ? 0 : p));
  }
  return { y: sumContiguous(terms, 0, n), grad };
}
