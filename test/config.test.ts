import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../schemas/limits.js';
import { buildApp } from '../src/app.js';
import { ConfigError, configurationTable, limitVariable, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info');
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.rateLimit).toBeNull();
    expect(config.evaluation.workers).toBeGreaterThanOrEqual(1);
    expect(config.shutdownGraceMs).toBe(10_000);
  });

  it('reads every limit under its own variable', () => {
    expect(limitVariable('maxBodyBytes')).toBe('MAX_BODY_BYTES');
    const config = loadConfig({ MAX_ELEMENTS_PER_INPUT: '10', MAX_STATEMENTS: '3', MAX_BODY_BYTES: '2048' });
    expect(config.limits).toEqual({ ...DEFAULT_LIMITS, maxElementsPerInput: 10, maxStatements: 3, maxBodyBytes: 2048 });
  });

  it('reads the operational settings', () => {
    const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'warn', WORKERS: '3', EVALUATION_BUDGET_MS: '250', RATE_LIMIT_MAX: '100', TRUST_PROXY: 'true' });
    expect(config).toMatchObject({ port: 8080, logLevel: 'warn', trustProxy: true, rateLimit: { max: 100, windowMs: 60_000 } });
    expect(config.evaluation).toMatchObject({ workers: 3, budgetMs: 250 });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', ''],
    ['LOG_LEVEL', 'loud'],
    ['MAX_ELEMENTS_PER_INPUT', '0'],
    ['MAX_DEPTH', '1e3'],
    ['WORKERS', '-1'],
    ['TRUST_PROXY', 'yes'],
  ])('refuses %s=%j with a message naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`${variable}=`));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', MAX_DEPTH: 'y' })).toThrow(/PORT=.*\n.*MAX_DEPTH=/s);
  });

  it('lists every variable with a default for the README', () => {
    const table = configurationTable();
    expect(table.map((row) => row.variable)).toEqual(expect.arrayContaining(['PORT', 'HOST', 'LOG_LEVEL', 'WORKERS', 'MAX_BODY_BYTES', 'MAX_BATCH_ITEMS']));
    for (const row of table) expect(row.default).not.toBe('undefined');
  });

  it('hands its limits to the app, which enforces them', async () => {
    const config = loadConfig({ MAX_ELEMENTS_PER_INPUT: '4' });
    const app = await buildApp({ limits: config.limits, operations: config });
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: [1, 2, 3, 4, 5] }, expr: 'x.sum()' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/more than 4 elements \(limit maxElementsPerInput\)/);
    await app.close();
  });
});

describe('the server process', () => {
  it('stops at start-up with a message naming the bad variable', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/invalid configuration:\n\s+PORT="not-a-port": must be a whole number/);
  });
});
