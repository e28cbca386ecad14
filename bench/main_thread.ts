/**
 * What a big pooled answer costs the main thread (issue 15): the chain over 1e6 values with its
 * answer in base64 (bench/workloads.ts chain-1e6-base64, a 10.7 MB answer). The app runs in this
 * process (the built dist/, as deployed) and a separate curl process is the client, so the event
 * loop's busy time (performance.eventLoopUtilization) is the server's own:
 *
 * - inline start and hand-off: answer() until it returns the pooled task's promise (the inline
 *   attempt that passes the inline work limit, and piscina's posting of the task, which clones the
 *   input);
 * - while pooled: from that hand-off until the task's result is in the main thread: sending the
 *   input to the worker (its structured clone; v8.serialize of it is timed alone too) and taking
 *   the result message (the worker's own time is idle time here);
 * - the answer: from the result to the last byte written to the socket, in two parts: the rest of
 *   that turn of the event loop (the route's send, fastify's onSend hooks, the first write) and the
 *   later socket writes of what did not fit at once (the kernel's copying, which any server pays);
 * - the same bytes written by a bare node:http server to the same client, measured the same way:
 *   the floor any server pays for the socket.
 *
 * Usage: npx tsx bench/main_thread.ts   (env: BENCH_BUILD, default dist; BENCH_MAIN_THREAD_RUNS, default 5). bench/http.ts runs it too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import type { buildApp as BuildApp } from '../src/app.js';
import type { EvaluationRunner } from '../src/evaluation/runner.js';
import type { Limits } from '../schemas/limits.js';
import { repositoryRoot } from './root.js';
import { httpWorkloads } from './workloads.js';

export interface MainThreadCost {
  workload: string;
  answerBytes: number;
  runs: number;
  /** Medians, ms of event-loop busy time. */
  inlineStartMs: number;
  whilePooledMs: number;
  /** v8.serialize of the task's input alone (what sending it to a worker clones). */
  inputCloneMs: number;
  /** From the task's result in the main thread to the answer's last byte written ... */
  answerMs: number;
  /** ... of which the turn of the event loop that sends it (JavaScript and the first write). */
  answerSendMs: number;
  /** A bare node:http server writing as many bytes to the same client: the socket's own cost. */
  bareSocketMs: number;
}

/** maxAnswerBytes for the benchmarks' servers: the 1e6-element base64 answers (10.7 MB) fit. */
export const BENCH_MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round3 = (value: number) => Math.round(value * 1000) / 1000;

export async function measureMainThread(options: { build?: string; runs?: number; workload?: string } = {}): Promise<MainThreadCost> {
  const root = repositoryRoot();
  const build = resolve(root, options.build ?? process.env.BENCH_BUILD ?? 'dist');
  const { buildApp } = (await import(pathToFileURL(join(build, 'src/app.js')).href)) as { buildApp: typeof BuildApp };
  const runs = options.runs ?? Number(process.env.BENCH_MAIN_THREAD_RUNS ?? 5);
  const name = options.workload ?? 'chain-1e6-base64';
  const workload = httpWorkloads().find((w) => w.name === name);
  if (!workload) throw new Error(`no workload ${name}`);
  const folder = mkdtempSync(join(tmpdir(), 'gradserve-main-thread-'));
  const bodyFile = join(folder, 'body.json');
  writeFileSync(bodyFile, JSON.stringify(workload.body));

  const { DEFAULT_LIMITS } = (await import(pathToFileURL(join(build, 'schemas/limits.js')).href)) as { DEFAULT_LIMITS: Limits };
  // The answer (x's data and gradient, 2e6 float32 values in base64) is over the default 8 MB maxAnswerBytes.
  const app = await buildApp({ logger: false, limits: { ...DEFAULT_LIMITS, maxAnswerBytes: BENCH_MAX_ANSWER_BYTES } });
  const runner = (app as unknown as { evaluation: EvaluationRunner }).evaluation;
  type Utilization = ReturnType<typeof performance.eventLoopUtilization>;
  let handedOff: Utilization | null = null;
  let resultIn: Utilization | null = null;
  let inlineStart = 0;
  let whilePooled = 0;
  let input: unknown = null;
  const answer = runner.answer.bind(runner);
  runner.answer = ((kind, taskInput, runOptions) => {
    const before = performance.eventLoopUtilization();
    const result = answer(kind, taskInput, runOptions);
    const after = performance.eventLoopUtilization();
    handedOff = after;
    inlineStart = performance.eventLoopUtilization(after, before).active;
    input = taskInput;
    if (!(result instanceof Promise)) return result;
    return result.then((value) => {
      const arrived = performance.eventLoopUtilization();
      resultIn = arrived;
      whilePooled = performance.eventLoopUtilization(arrived, after).active;
      setImmediate(() => sent.push(performance.eventLoopUtilization(performance.eventLoopUtilization(), arrived).active));
      return value;
    });
  }) as EvaluationRunner['answer'];
  const answered: number[] = [];
  const sent: number[] = [];
  const pooled: number[] = [];
  const inline: number[] = [];
  let answerBytes = 0;
  app.server.on('request', (_request, response) => {
    response.once('finish', () => {
      if (handedOff === null || resultIn === null) return;
      answered.push(performance.eventLoopUtilization(performance.eventLoopUtilization(), resultIn).active);
      pooled.push(whilePooled);
      inline.push(inlineStart);
      handedOff = null;
      resultIn = null;
    });
  });
  await app.ready();
  await runner.warm();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  try {
    for (let i = 0; i <= runs; i++) {
      // curl runs in its own process, so that the client's reading is not the server's event loop's time.
      const curl = await promisify(execFile)('curl', ['-s', '-o', join(folder, 'answer'), '-w', '%{http_code} %{size_download}', '-H', 'content-type: application/json', '--data-binary', `@${bodyFile}`, `http://127.0.0.1:${port}/v1/evaluate`]);
      const [status, size] = curl.stdout.split(' ');
      if (status !== '200') throw new Error(`${name} answered ${status}: ${readFileSync(join(folder, 'answer'), 'utf8').slice(0, 300)}`);
      answerBytes = Number(size);
      if (i === 0) {
        // The first run warms up.
        for (const list of [answered, sent, pooled, inline]) list.length = 0;
      }
    }
  } finally {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  }
  const bareSocketMs = await bareSocket(answerBytes, runs);
  const cloneTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    serialize(input);
    cloneTimes.push(performance.now() - started);
  }
  return {
    workload: name,
    answerBytes,
    runs,
    inlineStartMs: round3(median(inline)),
    whilePooledMs: round3(median(pooled)),
    inputCloneMs: round3(median(cloneTimes)),
    answerMs: round3(median(answered)),
    answerSendMs: round3(median(sent)),
    bareSocketMs: round3(bareSocketMs),
  };
}

/** Median event-loop busy ms for a bare node:http server to write `bytes` bytes to curl. */
async function bareSocket(bytes: number, runs: number): Promise<number> {
  const body = Buffer.alloc(bytes, 0x41);
  const times: number[] = [];
  const server = createServer((_request, response) => {
    const started = performance.eventLoopUtilization();
    response.once('finish', () => times.push(performance.eventLoopUtilization(performance.eventLoopUtilization(), started).active));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  try {
    for (let i = 0; i <= runs; i++) await promisify(execFile)('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]);
  } finally {
    server.close();
  }
  return median(times.slice(1));
}

export function printMainThread(cost: MainThreadCost): void {
  console.log(`\nmain thread for ${cost.workload} (${cost.answerBytes} bytes answered; event-loop busy ms, median of ${cost.runs})`);
  console.log(`  inline start and hand-off ${cost.inlineStartMs}; while pooled ${cost.whilePooledMs} (the input's clone alone ${cost.inputCloneMs})`);
  console.log(`  the answer ${cost.answerMs}: sending it ${cost.answerSendMs}, the later socket writes ${round3(cost.answerMs - cost.answerSendMs)};`);
  console.log(`  a bare node:http server writing as many bytes ${cost.bareSocketMs}: the answer's own cost ${round3(cost.answerMs - cost.bareSocketMs)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printMainThread(await measureMainThread());
}
