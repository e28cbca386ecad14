/**
 * The stage breakdown of one small request (issue 15): what each per-request hook and each stage
 * of POST /v1/evaluate costs, in microseconds, on the built server code (dist/, as deployed).
 *
 * The app's own layer as a whole is measured by difference, through fastify's inject, in CPU time
 * of this process (other processes on a shared machine do not count), in interleaved rounds
 * (medians): the app answering w1's answer text after validation against the same app without
 * its hooks (buildApp's benchmark-only `without` option) and a bare fastify echo. Differences of
 * a microsecond drown in inject's own ~100 µs, so each hook function is also timed alone, called
 * in a loop on a real request and reply; so are the plain-function stages (body parsing,
 * validation, the runner's inline evaluation with the answer's JSON text). Inject skips the
 * socket, which the echo server pays too.
 *
 * Usage: npx tsx bench/stages.ts   (env: BENCH_STAGE_REQUESTS per variant and round, default 3000;
 * BENCH_STAGE_ROUNDS, default 7; BENCH_BUILD, default dist). bench/http.ts runs it too.
 */
import { Writable } from 'node:stream';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { buildApp as BuildApp, RequestHook } from '../src/app.js';
import type { loggerOptions as LoggerOptions, requestIdFrom as RequestIdFrom } from '../src/plugins/request_log.js';
import type { parseJsonBody as ParseJsonBody } from '../src/plugins/json_body.js';
import type { withEvaluateFastPath as WithEvaluateFastPath } from '../schemas/program_fast_path.js';
import type { programSchemas as ProgramSchemas } from '../schemas/program.js';
import type { DEFAULT_LIMITS as DefaultLimits } from '../schemas/limits.js';
import type { EvaluationRunner as Runner } from '../src/evaluation/runner.js';
import type { evaluateProgram as EvaluateProgram } from '../src/program/run.js';
import { repositoryRoot } from './root.js';

export interface StageBreakdown {
  workload: string;
  requestsPerVariant: number;
  rounds: number;
  /**
   * Median CPU µs per request through inject: w1 through the whole app (log level warn, as
   * bench/http.ts runs it); the app answering w1's answer text after validation, without the
   * evaluation; the same app without its hooks; a bare fastify echo of the same answer.
   */
  injectMicroseconds: { evaluate: number; constant: number; constantWithoutHooks: number; echo: number };
  /** CPU µs of each hook function (by stage and name), and of fastify's per-request logger and id; at LOG_LEVEL=warn unless named. */
  hooks: Record<string, number>;
  /** µs of the stages timed directly. */
  stages: Record<string, number>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round2 = (value: number) => Math.round(value * 100) / 100;

/** A pino destination that drops its lines (the log line's cost without a terminal's). */
function nullStream(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

export async function measureStages(options: { build?: string; requests?: number; rounds?: number } = {}): Promise<StageBreakdown> {
  const root = repositoryRoot();
  const build = resolve(root, options.build ?? process.env.BENCH_BUILD ?? 'dist');
  const load = <T>(path: string): Promise<T> => import(pathToFileURL(join(build, path)).href) as Promise<T>;
  const { buildApp, REQUEST_HOOKS } = await load<{ buildApp: typeof BuildApp; REQUEST_HOOKS: readonly RequestHook[] }>('src/app.js');
  const { loggerOptions, requestIdFrom } = await load<{ loggerOptions: typeof LoggerOptions; requestIdFrom: typeof RequestIdFrom }>('src/plugins/request_log.js');
  const { parseJsonBody } = await load<{ parseJsonBody: typeof ParseJsonBody }>('src/plugins/json_body.js');
  const { withEvaluateFastPath } = await load<{ withEvaluateFastPath: typeof WithEvaluateFastPath }>('schemas/program_fast_path.js');
  const { programSchemas } = await load<{ programSchemas: typeof ProgramSchemas }>('schemas/program.js');
  const { DEFAULT_LIMITS } = await load<{ DEFAULT_LIMITS: typeof DefaultLimits }>('schemas/limits.js');
  const { evaluateProgram } = await load<{ evaluateProgram: typeof EvaluateProgram }>('src/program/run.js');
  const { validatorCompiler } = await import('fastify-type-provider-zod');

  const requests = options.requests ?? Number(process.env.BENCH_STAGE_REQUESTS ?? 3000);
  const rounds = options.rounds ?? Number(process.env.BENCH_STAGE_ROUNDS ?? 7);
  const body = { inputs: { x: 2.0 }, expr: 'y = x**2 + 2*x + 1' };
  const payload = JSON.stringify(body);
  const headers = { 'content-type': 'application/json' };

  const cpuMicroseconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return used.user + used.system;
  };
  const timeEach = (n: number, fn: () => unknown) => {
    for (let i = 0; i < n / 10; i++) fn();
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    return cpuMicroseconds(started) / n;
  };
  // Hooks are measured on a route that validates the body as /v1/evaluate does and answers w1's
  // answer text without evaluating: the evaluation's own cost (and its garbage) would drown them.
  const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);
  const probe = await buildApp({ logger: false });
  const answerText = (await probe.inject({ method: 'POST', url: '/v1/evaluate', headers, payload })).body;
  await probe.close();
  const withConstantRoute = (app: FastifyInstance) => {
    app.post('/bench/constant', { schema: { body: EvaluateRequest } }, (_request, reply) => {
      reply.type('application/json; charset=utf-8').send(answerText);
    });
    return app;
  };
  const variants: { name: string; app: FastifyInstance }[] = [];
  const variant = async (name: string, app: Promise<FastifyInstance>) => variants.push({ name, app: withConstantRoute(await app) });
  await variant('app', buildApp({ logger: { ...loggerOptions('warn'), stream: nullStream() } }));
  await variant('without every hook, no logger', buildApp({ logger: false, without: REQUEST_HOOKS }));
  // The ceiling through inject: fastify parsing the same body and answering the same answer.
  const answer = JSON.parse(answerText) as unknown;
  const echo = Fastify({ logger: false, bodyLimit: DEFAULT_LIMITS.maxBodyBytes, onProtoPoisoning: 'error', onConstructorPoisoning: 'error' });
  echo.post('/bench/constant', async () => answer);
  variants.push({ name: 'echo', app: echo });

  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  // CPU time of this process rather than wall time: other processes on a shared machine take turns, not our CPU time.
  const timeRequests = async (name: string, app: FastifyInstance, url: string, n: number) => {
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const response = await app.inject({ method: 'POST', url, headers, payload });
      if (response.statusCode !== 200) throw new Error(`${name} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
    }
    return cpuMicroseconds(started) / n;
  };
  for (const { name, app } of variants) {
    await app.ready();
    await timeRequests(name, app, '/bench/constant', 500);
  }
  for (let r = 0; r < rounds; r++) {
    for (const { name, app } of variants) samples.get(name)?.push(await timeRequests(name, app, '/bench/constant', requests));
  }
  // The whole request with its evaluation, for scale.
  const whole: number[] = [];
  for (let r = 0; r < rounds; r++) whole.push(await timeRequests('app', variants[0].app, '/v1/evaluate', Math.ceil(requests / 4)));
  const us = (name: string) => median(samples.get(name) as number[]);

  // Each hook function of the app, called on a real request and reply (those of a /bench/constant
  // request) in a loop: its own cost, far below what inject's differences can resolve. The log line
  // is timed on an app at LOG_LEVEL=info (at warn it is not built).
  const hooks: Record<string, number> = {};
  for (const level of ['warn', 'info'] as const) {
    const app = withConstantRoute(await buildApp({ logger: { ...loggerOptions(level), stream: nullStream() } }));
    let captured: { request: FastifyRequest; reply: FastifyReply } | null = null;
    app.addHook('onResponse', function captureForStages(request, reply, done) {
      captured ??= { request, reply };
      done();
    });
    await app.ready();
    await app.inject({ method: 'POST', url: '/bench/constant', headers, payload });
    const { request, reply } = captured as unknown as { request: FastifyRequest; reply: FastifyReply };
    const table = (app as unknown as Record<symbol, Record<string, ((...args: unknown[]) => void)[]>>)[
      Object.getOwnPropertySymbols(app).find((symbol) => symbol.description === 'fastify.hooks') as symbol
    ];
    const done = () => undefined;
    for (const stage of ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse'] as const) {
      for (const hook of table[stage] ?? []) {
        if (hook.name === 'captureForStages') continue;
        const name = `${stage} ${hook.name || '(anonymous)'}${level === 'info' ? ' at info' : ''}`;
        if (level === 'info' && hook.name !== 'requestLogLine') continue;
        const call = stage === 'onSend' || stage === 'preSerialization' ? () => hook.call(app, request, reply, answerText, done) : () => hook.call(app, request, reply, done);
        hooks[name] = timeEach(50_000, call);
      }
    }
    if (level === 'warn') {
      // What fastify does for every request with a logger: a pino child with the request id (and the route's level).
      hooks['fastify: per-request child logger (pino)'] = timeEach(50_000, () => app.log.child({ reqId: 'req-1' }, { level: 'warn' }));
      hooks['genReqId: request id (fresh UUID)'] = timeEach(50_000, () => requestIdFrom(request.raw));
    }
    await app.close();
  }

  // Stages that are plain functions, timed directly (the same functions the app runs).
  const validate = withEvaluateFastPath(DEFAULT_LIMITS, validatorCompiler)({ schema: EvaluateRequest, method: 'POST', url: '/v1/evaluate', httpPart: 'body' }) as (
    data: unknown,
  ) => { value?: unknown; error?: unknown };
  const parsed = validate(JSON.parse(payload)).value;
  const runner = (variants[0].app as unknown as { evaluation: Runner }).evaluation;
  const stages: Record<string, number> = {
    'body: JSON parse and prototype-key check': timeEach(50_000, () => parseJsonBody(payload)),
    'body: validation (fast path)': timeEach(50_000, () => validate(JSON.parse(payload))),
    // Issue 15's in-process target (<= 10 µs): the whole evaluation, answer object included.
    'evaluateProgram w1 in-process': timeEach(20_000, () => evaluateProgram(parsed as Parameters<typeof EvaluateProgram>[0], DEFAULT_LIMITS)),
    'runner: inline run (evaluate + answer JSON text)': timeEach(20_000, () => runner.answer('evaluate', { request: parsed as never, limits: DEFAULT_LIMITS })),
  };
  for (const { app } of variants) await app.close();

  return {
    workload: 'w1',
    requestsPerVariant: requests,
    rounds,
    injectMicroseconds: { evaluate: round2(median(whole)), constant: round2(us('app')), constantWithoutHooks: round2(us('without every hook, no logger')), echo: round2(us('echo')) },
    hooks: Object.fromEntries(Object.entries(hooks).map(([k, v]) => [k, round2(v)])),
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round2(v)])),
  };
}

export function printStages(breakdown: StageBreakdown): void {
  const { injectMicroseconds: t } = breakdown;
  console.log(`\nstage breakdown of ${breakdown.workload} (CPU µs per request, in-process through inject, medians of ${breakdown.rounds} rounds of ${breakdown.requestsPerVariant})`);
  console.log(`  POST /v1/evaluate ${t.evaluate}; the app answering w1's answer text after validation, without evaluating, ${t.constant}`);
  console.log(`  (without its hooks ${t.constantWithoutHooks}); a fastify echo of the same answer ${t.echo}: the app's own layer costs ${round2(t.constant - t.echo)}`);
  for (const [name, value] of Object.entries(breakdown.hooks)) console.log(`  hook ${name.padEnd(42)} ${value.toFixed(2).padStart(8)}`);
  for (const [name, value] of Object.entries(breakdown.stages)) console.log(`  stage ${name.padEnd(41)} ${value.toFixed(2).padStart(8)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printStages(await measureStages());
}
