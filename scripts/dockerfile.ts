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
  image: string;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(source: string): Stage[] {
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
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile line ${start + 1}: ${instruction.keyword} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
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
