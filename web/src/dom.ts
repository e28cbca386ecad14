/** Small DOM helpers and the problem box every mode shares. */

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

export function make<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** An RFC 9457 problem as gradserve sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
  position?: { line: number; column: number; offset: number };
  node?: string;
}

/** The line of `text` at a 1-based line/column, the character there marked and a caret under it. */
export function sourceExcerpt(text: string, line: number, column: number): HTMLPreElement {
  const source = text.split('\n')[line - 1] ?? '';
  const at = Math.max(0, column - 1);
  const pre = make('pre', undefined, 'source');
  pre.append(document.createTextNode(source.slice(0, at)), make('mark', source.slice(at, at + 1) || ' '), document.createTextNode(source.slice(at + 1)));
  pre.append(document.createTextNode(`\n${' '.repeat(at)}^`));
  return pre;
}

/** Fills `box` with a problem from the server: title, detail, position (with the program's line), node, field errors. */
export function showProblem(box: HTMLElement, problem: Problem, program?: { text: string; editor: HTMLTextAreaElement }): void {
  box.replaceChildren(make('h2', `${problem.status} ${problem.title}`), make('p', problem.detail, 'detail'));
  if (problem.position && program) {
    const { line, column, offset } = problem.position;
    box.append(make('p', `line ${line}, column ${column}`, 'note'), sourceExcerpt(program.text, line, column));
    // Put the cursor where the problem is, so the fix is one keystroke away.
    program.editor.focus();
    program.editor.setSelectionRange(offset, offset + 1);
  }
  if (problem.node) box.append(make('p', `in ${problem.node}`, 'note'));
  if (problem.errors?.length) {
    const list = make('ul');
    for (const error of problem.errors) {
      const item = make('li');
      item.append(make('code', error.pointer || '(body)'), document.createTextNode(` ${error.detail}`));
      list.append(item);
    }
    box.append(list);
  }
  box.hidden = false;
}

/** A problem found in the page before anything was sent: no status, just what to fix. */
export function showLocalProblem(box: HTMLElement, title: string, detail: string, extra: Node[] = []): void {
  box.replaceChildren(make('h2', title), make('p', detail, 'detail'), ...extra);
  box.hidden = false;
}

/** Lines a long text shows before it scrolls: style.css sizes `.long pre` (10) and `.long.tall pre` (24) to match. */
export const LONG_TEXT_LINES = 10;
export const TALL_TEXT_LINES = 24;

/**
 * A block of monospace text (a tensor's repr, a cell's stdout) that scrolls both ways when it does
 * not fit, never cutting a number off, with a toggle that shows all of it when it has more lines
 * than fit (10, or 24 when `tall`). `className` goes on the <pre>.
 */
export function longText(text: string, options: { tall?: boolean; className?: string } = {}): HTMLElement {
  const wrapper = make('div', undefined, options.tall ? 'long tall' : 'long');
  const pre = make('pre', text, options.className);
  pre.tabIndex = 0;
  wrapper.append(pre);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > (options.tall ? TALL_TEXT_LINES : LONG_TEXT_LINES)) {
    wrapper.classList.add('scrolls');
    const toggle = make('button', `show all ${lines} lines`, 'expand link');
    toggle.type = 'button';
    toggle.addEventListener('click', () => {
      const expanded = wrapper.classList.toggle('expanded');
      toggle.textContent = expanded ? 'show less' : `show all ${lines} lines`;
    });
    wrapper.append(toggle);
  }
  return wrapper;
}
