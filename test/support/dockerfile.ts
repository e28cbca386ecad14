/**
 * A reader for the subset of Dockerfile syntax our Dockerfile uses, shared by
 * the container test (test/ops) and the build-and-start reproduction
 * (scripts/reproduce_image.ts). dockerfile-utils lints; this only reads.
 */
export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  text: string;
  line: number;
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
  for (const line of source.split('\n').map((l) => l.trim())) {
    if (/^FROM\s/i.test(line)) break;
    const match = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?$/i.exec(line);
    if (match) args[match[1]] = match[2] ?? '';
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
  const args = { ...globalArgs(source), ...overrides };
  const stages: Stage[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i].trim();
    if (text === '' || text.startsWith('#')) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      const next = lines[i].trim();
      text = `${text.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trimEnd();
    }
    const match = /^([A-Za-z]+)\s+(.*)$/s.exec(text);
    if (!match) throw new Error(`Dockerfile line ${start + 1}: cannot read '${text}'`);
    const instruction = { keyword: match[1].toUpperCase(), text: match[2].trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.text.split(/\s+/);
      stages.push({ image: substitute(image, args, start + 1), imageAsWritten: image, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else if (instruction.keyword === 'ARG' && stages.length === 0) {
      continue; // a global build argument (globalArgs)
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile line ${start + 1}: ${instruction.keyword} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** `RUN --mount=... --network=... command`: the flags and the shell command. */
export function parseRun(text: string): { flags: string[]; command: string } {
  const flags: string[] = [];
  let rest = text;
  for (let match = /^(--[a-z-]+=\S+)\s+/.exec(rest); match; match = /^(--[a-z-]+=\S+)\s+/.exec(rest)) {
    flags.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  return { flags, command: rest };
}

export interface Copy {
  from: string | null;
  sources: string[];
  destination: string;
}

export function parseCopy(text: string): Copy {
  const words = text.split(/\s+/);
  const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : null;
  const destination = words.pop()!;
  return { from, sources: words, destination };
}

/** `A=1 B=2` → { A: '1', B: '2' } (no quoting: our Dockerfile needs none). */
export function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(text.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
}

/** The exec form `["node", "x.js"]`. */
export function execForm(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string')) throw new Error(`not an exec-form array: ${text}`);
  return parsed;
}
