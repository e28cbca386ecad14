import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_LIMITS, type Limits, LimitsSchema } from '../schemas/limits.js';

/**
 * Every setting of the process, read once from the environment at start-up.
 * A bad value stops the start with a message naming the variable.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A whole number written in decimal; an empty string or "1e3" is refused rather than guessed at. */
function wholeNumber(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .trim()
    .regex(/^[0-9]+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** An origin as browsers send it: scheme, host and optional port, nothing after. */
const ORIGIN = /^https?:\/\/[^/\s,]+$/;

/** CORS_ORIGINS: empty (off), `*` (any origin), or origins separated by commas. */
const corsOrigins = z
  .string()
  .trim()
  .transform((text, ctx): CorsConfig | null => {
    if (text === '') return null;
    if (text === '*') return { origins: '*' };
    const origins = text.split(',').map((o) => o.trim().replace(/\/$/, ''));
    for (const origin of origins) {
      if (!ORIGIN.test(origin)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(origin)} is not an origin like https://course.example.org (or use *)` });
    }
    return { origins };
  });

/** maxBodyBytes → MAX_BODY_BYTES: each limit is configurable under its own name. */
export function limitVariable(limit: keyof Limits): string {
  return limit.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

const LIMIT_KEYS = Object.keys(LimitsSchema.shape) as (keyof Limits)[];

const limitVariables = Object.fromEntries(LIMIT_KEYS.map((key) => [limitVariable(key), wholeNumber(1).default(DEFAULT_LIMITS[key])])) as Record<
  string,
  z.ZodDefault<ReturnType<typeof wholeNumber>>
>;

const defaultWorkers = Math.max(1, availableParallelism() - 1);

export const EnvSchema = z.object({
  PORT: wholeNumber(0, 65535).default(3000).describe('TCP port to listen on'),
  HOST: z.string().trim().min(1).default('0.0.0.0').describe('Interface to listen on'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe('pino log level'),
  WORKERS: wholeNumber(1, 256).default(defaultWorkers).describe('Evaluation worker threads (default: CPUs - 1, at least 1)'),
  EVALUATION_BUDGET_MS: wholeNumber(10).default(5000).describe('Time one pooled evaluation may run, counted from when a worker starts it, before the worker is stopped (503 timeout)'),
  INLINE_MAX_WORK: wholeNumber(0)
    .default(150_000)
    .describe('Work (measured: elements read and written, graph nodes, interpreter steps) a request may do on the event loop; past it the request re-runs in the worker pool. 0 sends everything to the pool'),
  POOL_MAX_WORK: wholeNumber(1)
    .default(100_000_000)
    .describe('Work one pooled evaluation may do before it is stopped with 422 limit-exceeded (bounds its time and memory)'),
  BATCH_MAX_WORK: wholeNumber(1).default(400_000_000).describe('Work all the items of one batch may do together; items past it are refused with 422 limit-exceeded'),
  BATCH_BUDGET_MS: wholeNumber(10)
    .default(5000)
    .describe('Time one batch may take in all; items that would run past it are answered 503 timeout (each item also has its own budget)'),
  POOL_MAX_QUEUE: wholeNumber(0).default(64).describe('Evaluations waiting for a worker before new ones are shed with 503'),
  POOL_QUEUE_TIMEOUT_MS: wholeNumber(1)
    .default(750)
    .describe('Time an evaluation may wait for a free worker before it is shed with 503 overloaded (waiting and running together end within this plus EVALUATION_BUDGET_MS)'),
  REQUEST_TIMEOUT_MS: wholeNumber(0).default(30_000).describe('Time to receive a whole request from the client (slow clients; 0 = none)'),
  MAX_EVENT_LOOP_DELAY_MS: wholeNumber(0).default(1000).describe('Event loop delay above which requests are shed with 503 (0 = off)'),
  RETRY_AFTER_SECONDS: wholeNumber(1).default(5).describe('Retry-After sent with 503 answers'),
  RATE_LIMIT_MAX: wholeNumber(0).default(0).describe('Requests per client per window (0 = rate limiting off)'),
  RATE_LIMIT_WINDOW_MS: wholeNumber(1).default(60_000).describe('Rate limit window'),
  SHUTDOWN_GRACE_MS: wholeNumber(0).default(10_000).describe('How long in-flight requests may take to finish on SIGTERM/SIGINT'),
  TRUST_PROXY: flag.default(false).describe('Trust X-Forwarded-For (behind a load balancer)'),
  CORS_ORIGINS: corsOrigins
    .default(null)
    .describe('Origins whose browser pages may call the API (CORS), separated by commas, or * for any; empty: CORS off (no OPTIONS preflight answers)'),
  ...limitVariables,
});

export interface EvaluationConfig {
  workers: number;
  /** Time a pooled evaluation may run, from when a worker starts it. */
  budgetMs: number;
  /** Work a request may do inline before it moves to the pool (0: everything pooled). */
  inlineMaxWork: number;
  /** Work a pooled evaluation may do. */
  poolMaxWork: number;
  /** Work all items of a batch may do together. */
  batchMaxWork: number;
  /** Time one batch may take in all. */
  batchBudgetMs: number;
  /** Evaluations waiting for a worker before new ones are shed. */
  maxQueue: number;
  /** Time an evaluation may wait for a worker before it is shed. */
  queueTimeoutMs: number;
}

export interface OverloadConfig {
  maxEventLoopDelayMs: number;
  retryAfterSeconds: number;
}

/** Which browser origins may call the API (CORS answers, OPTIONS preflights). */
export interface CorsConfig {
  origins: string[] | '*';
}

export interface RateLimitConfig {
  max: number;
  windowMs: number;
}

export interface Config {
  port: number;
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  requestTimeoutMs: number;
  shutdownGraceMs: number;
  trustProxy: boolean;
  limits: Limits;
  evaluation: EvaluationConfig;
  overload: OverloadConfig;
  /** null: rate limiting is off. */
  rateLimit: RateLimitConfig | null;
  /** null: CORS is off. */
  cors: CorsConfig | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the configuration from an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      return `  ${variable}=${JSON.stringify(env[variable] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data as z.infer<typeof EnvSchema> & Record<string, number>;
  const limits = Object.fromEntries(LIMIT_KEYS.map((key) => [key, e[limitVariable(key)]])) as Limits;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    trustProxy: e.TRUST_PROXY,
    limits: Object.freeze(limits),
    evaluation: {
      workers: e.WORKERS,
      budgetMs: e.EVALUATION_BUDGET_MS,
      inlineMaxWork: e.INLINE_MAX_WORK,
      poolMaxWork: e.POOL_MAX_WORK,
      batchMaxWork: e.BATCH_MAX_WORK,
      batchBudgetMs: e.BATCH_BUDGET_MS,
      maxQueue: e.POOL_MAX_QUEUE,
      queueTimeoutMs: e.POOL_QUEUE_TIMEOUT_MS,
    },
    overload: { maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS, retryAfterSeconds: e.RETRY_AFTER_SECONDS },
    rateLimit: e.RATE_LIMIT_MAX > 0 ? { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS } : null,
    cors: e.CORS_ORIGINS,
  };
}

/** The configuration table for the README: variable, default, meaning. */
export function configurationTable(): { variable: string; default: string; meaning: string }[] {
  return Object.entries(EnvSchema.shape).map(([variable, schema]) => {
    const limitKey = LIMIT_KEYS.find((key) => limitVariable(key) === variable);
    const value = (schema as z.ZodDefault).def.defaultValue;
    return {
      variable,
      default: variable === 'WORKERS' ? 'CPUs - 1' : String(typeof value === 'function' ? value() : value),
      meaning: limitKey ? `limit ${limitKey}` : (schema.description ?? ''),
    };
  });
}
