import { MAX_RANK } from '../../schemas/depth.js';
import { PROBLEMS, type ProblemCode, problemType } from '../errors.js';
import { PROBLEM_EXAMPLES, REQUEST_EXAMPLES } from './openapi_examples.js';

/**
 * The last pass over the OpenAPI document fastify-type-provider-zod generates,
 * so that generated clients (openapi-typescript, openapi-fetch) compile and
 * Swagger UI shows each schema once:
 *
 * - one component per schema name: the provider emits every schema twice, as
 *   `X` (its output) and `XInput` (its input, defaults optional). A schema is
 *   kept once, under its own name, in the form its routes use: the input form
 *   when a request refers to it, else the output form (the two differ only for
 *   schemas with defaults or transforms, which only requests use).
 * - components no route refers to are left out;
 * - NestedNumbers, recursive in zod, is spelled out to the rank limit (a number,
 *   an array of numbers, ... 8 arrays deep): code generators turn a schema
 *   that refers to itself into a type that refers to itself, which TypeScript
 *   refuses (TS2502) and degrades to any;
 * - zod's ±2^53 bounds of every integer (Number.MAX_SAFE_INTEGER) are dropped:
 *   they say nothing a JSON number does not;
 * - keys beside declared properties (PlotRequest's shorthand) are described in
 *   words, not by a schema TypeScript cannot type;
 * - request bodies get a dropdown of the course's programs (named examples) and
 *   problem+json answers an example of each problem code of their status.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const COMPONENT_REF = '#/components/schemas/';
const INPUT_SUFFIX = 'Input';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every value of a JSON tree, depth first, with an explicit stack: schemas
 * nest only as deep as they are written, but no walk here recurses on the JS stack.
 */
function* objectsOf(root: Json): Generator<JsonObject> {
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as Json;
    if (Array.isArray(value)) stack.push(...value);
    else if (isObject(value)) {
      yield value;
      stack.push(...Object.values(value));
    }
  }
}

/** The component names a JSON tree refers to with $ref. */
function refsOf(root: Json): string[] {
  const names: string[] = [];
  for (const object of objectsOf(root)) {
    const ref = object.$ref;
    if (typeof ref === 'string' && ref.startsWith(COMPONENT_REF)) names.push(ref.slice(COMPONENT_REF.length));
  }
  return names;
}

/** The components reachable from `roots` through $ref. */
function reachable(roots: Json[], components: JsonObject): Set<string> {
  const seen = new Set<string>();
  const queue = roots.flatMap(refsOf);
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name) || !(name in components)) continue;
    seen.add(name);
    queue.push(...refsOf(components[name]));
  }
  return seen;
}

/** A copy of a JSON tree with every component $ref renamed by `rename`. */
function renameRefs(root: Json, rename: (name: string) => string): Json {
  return JSON.parse(JSON.stringify(root), (key, value: Json) =>
    key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF) ? COMPONENT_REF + rename(value.slice(COMPONENT_REF.length)) : value,
  ) as Json;
}

/** The operations of the document, with the request and response parts they refer to schemas from. */
function operationsOf(document: JsonObject): { operation: JsonObject; requestParts: Json[]; responseParts: Json[] }[] {
  const operations = [];
  for (const pathItem of Object.values(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      operations.push({
        operation,
        requestParts: [operation.requestBody ?? null, operation.parameters ?? null],
        responseParts: [operation.responses],
      });
    }
  }
  return operations;
}

/** One component per schema name, in the form its routes use; unreferenced components left out. */
function oneComponentPerSchema(document: JsonObject): JsonObject {
  const components = (isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {}) as JsonObject;
  // The provider names a schema's input form `${id}Input` beside its output form `${id}`.
  const ids = Object.keys(components).filter((name) => `${name}${INPUT_SUFFIX}` in components);
  const inputNames = new Map(ids.map((id) => [`${id}${INPUT_SUFFIX}`, id]));
  // A $ref written in a schema's metadata (a batch's items) names a schema by its id: in a request it means the input form.
  const toInputForm = (name: string) => (ids.includes(name) ? `${name}${INPUT_SUFFIX}` : name);
  for (const name of inputNames.keys()) components[name] = renameRefs(components[name], toInputForm);
  for (const operation of operationsOf(document).map((o) => o.operation)) {
    if (operation.requestBody !== undefined) operation.requestBody = renameRefs(operation.requestBody, toInputForm);
  }
  const operations = operationsOf(document);
  const usedByRequests = reachable(operations.flatMap((o) => o.requestParts), components);
  const usedByResponses = reachable(operations.flatMap((o) => o.responseParts), components);

  // A schema whose two forms differ and are both used keeps both names (never the case today: a test says so).
  const toId = (name: string) => inputNames.get(name) ?? name;
  const sameForms = (id: string) =>
    JSON.stringify(renameRefs(components[`${id}${INPUT_SUFFIX}`], toId)) === JSON.stringify(renameRefs(components[id], toId));
  const keepsBoth = new Set(ids.filter((id) => usedByRequests.has(`${id}${INPUT_SUFFIX}`) && usedByResponses.has(id) && !sameForms(id)));
  const rename = (name: string) => (keepsBoth.has(toId(name)) ? name : toId(name));

  const schemas: JsonObject = {};
  for (const name of [...usedByRequests, ...usedByResponses].sort()) {
    const finalName = rename(name);
    if (!(finalName in schemas)) schemas[finalName] = renameRefs(components[name], rename);
  }
  const paths = renameRefs(document.paths ?? {}, rename);
  return { ...document, paths, components: { ...(isObject(document.components) ? document.components : {}), schemas } };
}

/** NestedNumbers without a self-reference: a number, or arrays of numbers up to MAX_RANK deep. */
function boundedNestedNumbers(description: Json | undefined): JsonObject {
  const depths: JsonObject[] = [{ $ref: `${COMPONENT_REF}WireNumber` }];
  for (let rank = 1; rank <= MAX_RANK; rank++) depths.push({ type: 'array', items: depths[rank - 1] });
  return { ...(typeof description === 'string' ? { description } : {}), anyOf: depths };
}

/** Integer bounds that only restate Number.MAX_SAFE_INTEGER (zod adds them to every z.int()). */
function dropSafeIntegerBounds(root: Json): void {
  for (const object of objectsOf(root)) {
    if (object.type !== 'integer') continue;
    if (object.minimum === Number.MIN_SAFE_INTEGER) delete object.minimum;
    if (object.maximum === Number.MAX_SAFE_INTEGER) delete object.maximum;
  }
}

/**
 * An object with declared properties and a schema for any other key (PlotRequest's
 * shorthand: the axis input as a key of the body) cannot be typed in TypeScript:
 * generators intersect the properties with an index signature that every
 * property, `expr` included, would have to fit. Such keys are described in words.
 */
function describeExtraKeysInWords(root: Json): void {
  for (const object of objectsOf(root)) {
    const extra = object.additionalProperties;
    if (!isObject(object.properties) || !isObject(extra) || extra.$ref === undefined) continue;
    const schemaName = String(extra.$ref).slice(COMPONENT_REF.length);
    object.additionalProperties = { description: `${typeof extra.description === 'string' ? extra.description + ' ' : ''}Each is a ${schemaName}.` };
  }
}

/** An example of every problem code answered with this status. */
function problemExamples(status: number): JsonObject {
  const examples: JsonObject = {};
  for (const code of Object.keys(PROBLEMS) as ProblemCode[]) {
    if (PROBLEMS[code].status !== status) continue;
    const { title } = PROBLEMS[code];
    const { detail, ...extras } = PROBLEM_EXAMPLES[code];
    examples[code] = { summary: title, value: { type: problemType(code), title, status, detail, ...extras } as Json };
  }
  return examples;
}

/** The examples of a body's schema (its component's `examples`), named for a dropdown. */
function schemaExamples(body: JsonObject, schemas: JsonObject): JsonObject | undefined {
  const ref = isObject(body.schema) ? body.schema.$ref : undefined;
  const component = typeof ref === 'string' ? schemas[ref.slice(COMPONENT_REF.length)] : undefined;
  if (!isObject(component) || !Array.isArray(component.examples)) return undefined;
  return Object.fromEntries(component.examples.map((value, i) => [`example${i + 1}`, { summary: `Example ${i + 1}`, value }]));
}

/** Named examples for request bodies (the course's programs, else the schema's) and problem answers. */
function addExamples(document: JsonObject): void {
  const schemas = (document.components as JsonObject).schemas as JsonObject;
  for (const { operation } of operationsOf(document)) {
    const id = operation.operationId;
    const body = isObject(operation.requestBody) && isObject(operation.requestBody.content) ? operation.requestBody.content['application/json'] : undefined;
    const examples = typeof id === 'string' && REQUEST_EXAMPLES[id] !== undefined ? (REQUEST_EXAMPLES[id] as unknown as JsonObject) : isObject(body) ? schemaExamples(body, schemas) : undefined;
    if (isObject(body) && examples !== undefined) body.examples = examples;
    for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
      const problem = isObject(response) && isObject(response.content) ? response.content['application/problem+json'] : undefined;
      if (isObject(problem)) problem.examples = problemExamples(Number(status));
    }
  }
}

/** The finished document: see the comment at the top of this file. */
export function finishDocument(generated: object): JsonObject {
  const document = oneComponentPerSchema(structuredClone(generated) as JsonObject);
  const schemas = (document.components as JsonObject).schemas as JsonObject;
  if (isObject(schemas.NestedNumbers)) schemas.NestedNumbers = boundedNestedNumbers(schemas.NestedNumbers.description);
  dropSafeIntegerBounds(document);
  describeExtraKeysInWords(schemas);
  addExamples(document);
  return document;
}
