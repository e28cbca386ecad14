/**
 * The requests the README shows: every curl call to the service in a sh block,
 * with its path and its body (-d '...') or query, and the README line it is on.
 */

export interface ReadmeRequest {
  line: number;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  query?: Record<string, string | number>;
}

/**
 * The shell words of each command in a sh block: single quotes span lines,
 * a backslash before a newline continues the command, # starts a comment.
 */
function shellCommands(block: string, firstLine: number): { line: number; words: string[] }[] {
  const commands: { line: number; words: string[] }[] = [];
  let words: string[] = [];
  let word: string | null = null;
  let line = firstLine;
  let commandLine = firstLine;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  for (let i = 0; i < block.length; i++) {
    const c = block[i];
    if (c === "'") {
      const close = block.indexOf("'", i + 1);
      word = (word ?? '') + block.slice(i + 1, close);
      line += block.slice(i, close).split('\n').length - 1;
      i = close;
    } else if (c === '\\' && block[i + 1] === '\n') {
      endWord();
      i += 1;
      line += 1;
    } else if (c === '\n') {
      endWord();
      if (words.length > 0) commands.push({ line: commandLine, words });
      words = [];
      line += 1;
      commandLine = line;
    } else if (c === '#' && word === null) {
      const end = block.indexOf('\n', i);
      i = (end < 0 ? block.length : end) - 1;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else {
      if (words.length === 0 && word === null) commandLine = line;
      word = (word ?? '') + c;
    }
  }
  endWord();
  if (words.length > 0) commands.push({ line: commandLine, words });
  return commands;
}

/** Every curl call of the README that talks to the service: its path, and its body (-d '...') or query. */
export function readmeRequests(readme: string): ReadmeRequest[] {
  const requests: ReadmeRequest[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const firstLine = readme.slice(0, block.index).split('\n').length + 1;
    for (const { line, words } of shellCommands(block[1], firstLine)) {
      if (words[0] !== 'curl') continue;
      const url = words.map((w) => /localhost:3000(\/v1\/[^?\s]*)(\?\S*)?$/.exec(w)).find((m) => m !== null);
      if (!url) continue;
      const [, path, queryText] = url;
      const data = words.indexOf('-d');
      if (data >= 0) {
        requests.push({ line, method: 'POST', path, body: JSON.parse(words[data + 1]) });
      } else {
        const query = Object.fromEntries([...new URLSearchParams(queryText ?? '')].map(([k, v]) => [k, v !== '' && Number.isFinite(Number(v)) ? Number(v) : v]));
        requests.push({ line, method: 'GET', path, query });
      }
    }
  }
  return requests;
}
