import { serializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { EvaluateAnswer, programSchemas } from '../../schemas/program.js';
import { Problem } from '../../schemas/problem.js';
import { evaluateProgram } from '../../src/program/run.js';
import { answerSerializerCompiler } from '../../src/program/serialize.js';

const route = { method: 'POST', url: '/v1/evaluate', httpStatus: '200' };
const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);

const programs = [
  { inputs: { x: 2 }, expr: 'y = x**2 + 2*x + 1' },
  { inputs: { x: [[1, -2], ['NaN', 'Infinity']] }, expr: 'y = (x * 3).sum()' },
  { inputs: { x: { linspace: { start: -10, end: 10, steps: 1000 } } }, expr: 'Y = relu(x) * x ** 2\ny = Y.sum()' },
  { inputs: { x: [1, 2, 3] }, expr: 'y = (x ** 2).sum()', encoding: 'base64', outputs: ['x'], fields: ['data', 'grad'] },
];

describe('the evaluate answer serializer', () => {
  it('writes exactly what the validating zod serializer writes', () => {
    const fast = answerSerializerCompiler({ ...route, schema: EvaluateAnswer });
    const zod = serializerCompiler({ ...route, schema: EvaluateAnswer });
    for (const program of programs) {
      const answer = evaluateProgram(EvaluateRequest.parse(program), DEFAULT_LIMITS);
      expect(fast(answer)).toBe(zod(answer));
    }
  });

  it('keeps the zod serializer for every other schema', () => {
    const problem = answerSerializerCompiler({ ...route, httpStatus: '422', schema: Problem });
    expect(() => problem({ not: 'a problem' })).toThrow();
  });
});
