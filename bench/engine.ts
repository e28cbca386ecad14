/**
 * Engine benchmark (issue 6), in-process and single-threaded, with tinybench:
 * forward+backward of w1, w2, the elementwise chain at 1e3/1e5/1e6 elements
 * next to a hand-written fused loop, and a 256x256 matmul.
 * Usage: npm run bench:engine   (BENCH_TIME: milliseconds per task, default 1500)
 *
 * It runs the tsc output (dist/bench-build), as the server runs dist/: under
 * tsx, esbuild's keepNames wraps every closure the engine creates in a
 * `__name(...)` call, which doubled the measured cost of small programs.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { DEFAULT_LIMITS } from '../schemas/limits.js';
import { EvaluateAnswer, programSchemas } from '../schemas/program.js';
import { withEvaluateFastPath } from '../schemas/program_fast_path.js';
import { backward } from '../src/engine/autograd.js';
import { add } from '../src/engine/ops/add.js';
import { matmul } from '../src/engine/ops/matmul.js';
import { mul } from '../src/engine/ops/mul.js';
import { pow } from '../src/engine/ops/pow.js';
import { sum } from '../src/engine/ops/sum.js';
import { Tensor } from '../src/engine/tensor.js';
import { evaluateProgram } from '../src/program/run.js';
import { setProgramCache } from '../src/program/interpret.js';
import { answerSerializerCompiler } from '../src/program/serialize.js';
import { chainEngine, chainFused } from './chain.js';
import { repositoryRoot } from './root.js';
import { float32Linspace, httpWorkloads } from './workloads.js';

const TIME_MS = Number(process.env.BENCH_TIME ?? 1500);
const root = repositoryRoot();
const gc = (globalThis as { gc?: () => void }).gc;

function scalar(value: number): Tensor {
  return new Tensor(Float32Array.of(value), [], { requiresGrad: true });
}

function w1Engine(): void {
  const x = scalar(2);
  backward(add(add(pow(x, 2), mul(x, 2)), 1));
}

function w2Engine(): void {
  const u = scalar(1);
  const v = scalar(2);
  const uv = mul(u, v);
  backward(add(uv, pow(mul(u, v), 2)));
}

const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);
const w1Request = EvaluateRequest.parse({ inputs: { x: 2.0 }, expr: 'y = x**2 + 2*x + 1' });
const w2Request = EvaluateRequest.parse({ inputs: { u: 1.0, v: 2.0 }, expr: 'f = u*v + (u*v)**2' });

// The stages of one HTTP request's own work, with the functions the app uses:
// body validation, evaluation, answer serialization (fastify and the socket not included).
const validateBody = withEvaluateFastPath(DEFAULT_LIMITS, validatorCompiler)({ schema: EvaluateRequest, method: 'POST', url: '/v1/evaluate', httpPart: 'body' }) as (
  data: unknown,
) => { value?: unknown; error?: unknown };
const serializeAnswer = answerSerializerCompiler({ schema: EvaluateAnswer, method: 'POST', url: '/v1/evaluate', httpStatus: '200' }) as (data: unknown) => string;
const stageWorkloads = httpWorkloads()
  .filter((w) => ['w1', 'w2', 'w3'].includes(w.name))
  .map((w) => {
    const text = JSON.stringify(w.body);
    const request = EvaluateRequest.parse(JSON.parse(text));
    return { name: w.name, text, request, answer: evaluateProgram(request, DEFAULT_LIMITS) };
  });

function randomMatrix(rows: number, cols: number): Float32Array {
  let state = 12345;
  return Float32Array.from({ length: rows * cols }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  });
}
const ma = randomMatrix(256, 256);
const mb = randomMatrix(256, 256);
function matmulEngine(): void {
  const a = new Tensor(ma, [256, 256], { requiresGrad: true });
  const b = new Tensor(mb, [256, 256], { requiresGrad: true });
  backward(sum(matmul(a, b)));
}

const chainInputs = new Map([1e3, 1e5, 1e6].map((n) => [n, new Float32Array(float32Linspace(-10, 10, n))]));

// The fused loop is the reference: the engine must agree with it bit for bit.
for (const [n, x] of chainInputs) {
  const a = chainEngine(x);
  const b = chainFused(x);
  if (!Object.is(a.y, b.y) || Buffer.compare(Buffer.from(a.grad.buffer), Buffer.from(b.grad.buffer)) !== 0) {
    throw new Error(`engine and fused loop disagree at ${n} elements`);
  }
}

/** Array-buffer bytes alive right after one forward+backward (results and graph still held), over a collected baseline: the peak of the run. */
async function retainedBytes(run: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const before = process.memoryUsage().arrayBuffers;
  const kept = run();
  const after = process.memoryUsage().arrayBuffers;
  if (kept === undefined) throw new Error('unreachable');
  return after - before;
}

const retained = new Map<number, { engine: number; fused: number }>();
for (const [n, x] of chainInputs) retained.set(n, { engine: await retainedBytes(() => chainEngine(x)), fused: await retainedBytes(() => chainFused(x)) });

const bench = new Bench({ time: TIME_MS, warmupTime: 300 });
bench
  .add('w1 engine ops fwd+bwd', w1Engine)
  .add('w2 engine ops fwd+bwd', w2Engine)
  .add('w1 evaluateProgram (parse+run+bwd+answer)', () => evaluateProgram(w1Request, DEFAULT_LIMITS))
  .add('w2 evaluateProgram (parse+run+bwd+answer)', () => evaluateProgram(w2Request, DEFAULT_LIMITS));
for (const w of stageWorkloads) {
  bench.add(`${w.name} request: JSON.parse + validate`, () => {
    if (validateBody(JSON.parse(w.text)).error) throw new Error(`${w.name} did not validate`);
  });
  bench.add(`${w.name} request: evaluateProgram`, () => evaluateProgram(w.request, DEFAULT_LIMITS));
  // The same without the prepared-program cache: what a program seen for the first time costs.
  bench.add(`${w.name} request: evaluateProgram, program cache off`, () => evaluateProgram(w.request, DEFAULT_LIMITS), {
    beforeAll: () => setProgramCache(false),
    afterAll: () => setProgramCache(true),
  });
  bench.add(`${w.name} request: serialize answer`, () => serializeAnswer(w.answer));
}
for (const [n, x] of chainInputs) {
  bench.add(`chain ${n.toExponential()} engine`, () => chainEngine(x));
  bench.add(`chain ${n.toExponential()} fused loop`, () => chainFused(x));
}
bench.add('matmul 256x256 fwd+bwd', matmulEngine);
await bench.run();

const meanMs = (name: string): number => {
  const task = bench.getTask(name);
  const result = task?.result;
  if (!result || !('latency' in result)) throw new Error(`task ${name} did not complete`);
  return result.latency.mean;
};

const tasks = bench.tasks.map((t) => ({ name: t.name, meanMicroseconds: round(meanMs(t.name) * 1000), samples: 'latency' in t.result ? t.result.latency.samplesCount : 0 }));
const chains = [...chainInputs.keys()].map((n) => {
  const label = n.toExponential();
  return {
    elements: n,
    engineMs: round(meanMs(`chain ${label} engine`)),
    fusedLoopMs: round(meanMs(`chain ${label} fused loop`)),
    ratio: round(meanMs(`chain ${label} engine`) / meanMs(`chain ${label} fused loop`)),
    engineRetainedBytes: retained.get(n)?.engine,
    fusedRetainedBytes: retained.get(n)?.fused,
  };
});

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

console.table(tasks);
console.table(chains);
const w1Micros = meanMs('w1 engine ops fwd+bwd') * 1000;
console.log(`w1 forward+backward: ${w1Micros.toFixed(2)} µs (target <= 10 µs)`);
console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, `bench/results/${date}-engine.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      command: 'npm run bench:engine',
      commit: execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim(),
      uncommittedChanges: execSync("git status --porcelain --untracked-files=no -- . ':!bench/results'", { cwd: root }).toString().trim() !== '',
      node: process.version,
      cpus: cpus().map((c) => c.model)[0],
      timePerTaskMs: TIME_MS,
      tasks,
      chains,
      targets: {
        w1MicrosecondsAtMost10: { measured: round(w1Micros), met: w1Micros <= 10 },
        chain1e6RatioAtMost1_2: { measured: chains[2].ratio, met: chains[2].ratio <= 1.2 },
      },
      peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${file}`);
