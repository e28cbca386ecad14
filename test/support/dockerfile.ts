/**
 * The Dockerfile as stages of instructions, read by dockerfile-ast (the parser
 * dockerfile-utils lints with), for the container test (test/operations) and the
 * build-and-start reproduction (scripts/reproduce_image.ts).
 */
import { type Copy, DockerfileParser, type Env, type Instruction as DockerInstruction, type From, type JSONInstruction, type Run } from 'dockerfile-ast';

export interface Instruction {
  keyword: string;
  /** The arguments after the keyword and its flags, continuation lines joined. */
  text: string;
  line: number;
  node: DockerInstruction;
}

export interface Stage {
  /** The FROM image with build arguments substituted (their defaults unless overridden). */
  image: string;
  /** The FROM image as written, e.g. `${NODE_IMAGE}`. */
  imageAsWritten: string;
  name: string | null;
  instructions: Instruction[];
}

/** `ARG NAME=default` lines before the first FROM: the build arguments FROM lines may use. */
export function globalArgs(source: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const arg of DockerfileParser.parse(source).getInitialARGs()) {
    const property = arg.getProperty();
    if (property !== null) args[property.getName()] = property.getValue() ?? '';
  }
  return args;
}

/** `${NAME}` and `$NAME` replaced by the build argument's value. */
function substitute(text: string, args: Record<string, string>, line: number): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string, bare: string) => {
    const name = braced ?? bare;
    if (!(name in args)) throw new Error(`Dockerfile line ${line}: no ARG ${name} before FROM`);
    return args[name];
  });
}

/** Reads the stages; `overrides` plays the part of `--build-arg NAME=value`. */
export function parseDockerfile(source: string, overrides: Record<string, string> = {}): Stage[] {
  const dockerfile = DockerfileParser.parse(source);
  const args = { ...globalArgs(source), ...overrides };
  const stages: Stage[] = [];
  for (const node of dockerfile.getInstructions()) {
    const keyword = node.getKeyword();
    const line = node.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const from = node as From;
      const imageAsWritten = from.getImage() ?? '';
      stages.push({ image: substitute(imageAsWritten, args, line), imageAsWritten, name: from.getBuildStage(), instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, text: node.getArgumentsContent() ?? '', line, node });
    } else if (keyword !== 'ARG') {
      throw new Error(`Dockerfile line ${line}: ${keyword} before FROM`);
    }
  }
  return stages;
}

/** `RUN --mount=... --network=... command`: the flags and the shell command. */
export function parseRun(instruction: Instruction): { flags: string[]; command: string } {
  const flags = (instruction.node as Run).getFlags().map((flag) => `--${flag.getName()}=${flag.getValue() ?? ''}`);
  return { flags, command: instruction.text };
}

export interface CopySpec {
  from: string | null;
  sources: string[];
  destination: string;
}

/** `COPY [--from=stage] sources... destination`. */
export function parseCopy(instruction: Instruction): CopySpec {
  const copy = instruction.node as Copy;
  const words = copy.getArguments().map((argument) => argument.getValue());
  const destination = words.pop() ?? '';
  return { from: copy.getFromFlag()?.getValue() ?? null, sources: words, destination };
}

/** `ENV A=1 B=2` → { A: '1', B: '2' }. */
export function parseEnv(instruction: Instruction): Record<string, string> {
  return Object.fromEntries((instruction.node as Env).getProperties().map((property) => [property.getName(), property.getUnescapedValue() ?? '']));
}

/** The exec form `["node", "x.js"]` of CMD or ENTRYPOINT. */
export function execForm(instruction: Instruction): string[] {
  const strings = (instruction.node as JSONInstruction).getJSONStrings?.() ?? [];
  if (strings.length === 0) throw new Error(`Dockerfile line ${instruction.line}: not an exec-form array: ${instruction.text}`);
  return strings.map((string) => string.getJSONValue());
}
