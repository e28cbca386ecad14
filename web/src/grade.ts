import { make, type Problem, showLocalProblem, showProblem } from './dom.js';
import type { GradeTest } from './examples.js';

/** What POST /v1/grade answers for one hidden test. */
interface TestResult {
  name: string;
  points: number;
  max_points: number;
  passed: boolean;
  message: string | null;
  error: { type: string; message: string; line?: number } | string | null;
}

/** POST /v1/grade's answer; `submission` is the /v1/run answer for the submitted cells. */
export interface GradeAnswer<Submission = unknown> {
  score: number;
  max_score: number;
  tests: TestResult[];
  submission: Submission;
  feedback: string;
}

export interface GradePanelOptions<Submission> {
  /** The notebook's cells: the submission. */
  cells: () => string[];
  /** Called with the graded submission's run answer, so the notebook can show its outputs. */
  onSubmission: (submission: Submission) => void;
}

/**
 * Notebook mode's Grade panel: hidden tests (name, points, Python source) are sent with the
 * notebook's cells to POST /v1/grade, and the answer is shown as a score, one line per test
 * (passed or failed, with its message or error) and the feedback paragraph a student reads.
 */
export class GradePanel<Submission> {
  private readonly list = make('ol', undefined, 'grade-tests');
  private readonly button = make('button', 'Grade');
  private readonly status = make('span', undefined, 'status');
  private readonly problem = make('div', undefined, 'problem');
  private readonly result = make('div', undefined, 'grade-result');

  constructor(
    root: HTMLElement,
    private readonly options: GradePanelOptions<Submission>,
  ) {
    const add = make('button', '+ Test', 'secondary');
    add.type = 'button';
    add.addEventListener('click', () => {
      this.list.append(this.testItem({ name: `test ${this.list.children.length + 1}`, points: 1, source: 'assert ' }));
      this.list.querySelector<HTMLTextAreaElement>('li:last-child textarea')?.focus();
    });
    this.button.type = 'button';
    this.button.id = 'grade-run';
    this.button.addEventListener('click', () => void this.grade());
    this.status.setAttribute('role', 'status');
    this.problem.hidden = true;
    this.result.hidden = true;
    this.result.id = 'grade-result';
    const actions = make('div', undefined, 'actions');
    actions.append(this.button, add, this.status);
    root.append(
      make('h2', 'Grade'),
      make('p', "Hidden tests run in the notebook's final namespace, each on its own copy; an assert that fails loses the test's points.", 'note'),
      this.list,
      actions,
      this.problem,
      this.result,
    );
  }

  setTests(tests: readonly GradeTest[]): void {
    this.list.replaceChildren(...tests.map((test) => this.testItem(test)));
    this.result.hidden = true;
    this.problem.hidden = true;
  }

  tests(): GradeTest[] {
    return [...this.list.children].map((item) => ({
      name: (item.querySelector('input.test-name') as HTMLInputElement).value.trim(),
      points: Number((item.querySelector('input.test-points') as HTMLInputElement).value),
      source: (item.querySelector('textarea') as HTMLTextAreaElement).value,
    }));
  }

  private testItem(test: GradeTest): HTMLLIElement {
    const item = make('li', undefined, 'grade-test');
    const name = make('input', undefined, 'test-name');
    name.value = test.name;
    name.setAttribute('aria-label', 'test name');
    const points = make('input', undefined, 'test-points');
    points.type = 'number';
    points.min = '0';
    points.step = 'any';
    points.value = String(test.points);
    points.setAttribute('aria-label', 'points');
    const remove = make('button', '✕', 'icon');
    remove.type = 'button';
    remove.title = 'remove this test';
    remove.setAttribute('aria-label', 'remove this test');
    remove.addEventListener('click', () => item.remove());
    const source = make('textarea');
    source.spellcheck = false;
    source.rows = Math.min(4, test.source.split('\n').length);
    source.value = test.source;
    source.setAttribute('aria-label', 'test source (Python)');
    const head = make('div', undefined, 'test-head');
    head.append(name, points, make('span', 'pts', 'note'), remove);
    item.append(head, source);
    return item;
  }

  async grade(): Promise<void> {
    this.problem.hidden = true;
    this.result.hidden = true;
    const tests = this.tests();
    const bad = tests.find((t) => !t.name || !Number.isFinite(t.points) || t.points < 0 || !t.source.trim());
    if (tests.length === 0 || bad) {
      showLocalProblem(this.problem, 'Not graded', tests.length === 0 ? 'Add a test first.' : `Every test needs a name, points (0 or more) and some Python; check "${bad?.name || '(unnamed)'}".`);
      return;
    }
    this.button.disabled = true;
    this.status.textContent = 'grading…';
    const started = performance.now();
    try {
      const response = await fetch('/v1/grade', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ submission: { cells: this.options.cells() }, tests }),
      });
      this.status.textContent = `${response.status} in ${Math.round(performance.now() - started)} ms`;
      const body = (await response.json().catch(() => null)) as unknown;
      if (!response.ok) {
        if (response.status === 404 && (body as Problem | null)?.title === 'No such route') {
          showLocalProblem(this.problem, 'No grading here', 'This gradserve has no POST /v1/grade yet: grading needs a newer server.');
        } else showProblem(this.problem, body as Problem);
        return;
      }
      const answer = body as GradeAnswer<Submission>;
      this.show(answer);
      this.options.onSubmission(answer.submission);
    } catch (error) {
      this.status.textContent = '';
      showLocalProblem(this.problem, 'The request failed', (error as Error).message);
    } finally {
      this.button.disabled = false;
    }
  }

  private show(answer: GradeAnswer<Submission>): void {
    const score = make('p', undefined, 'score');
    score.append(make('strong', `${formatPoints(answer.score)} / ${formatPoints(answer.max_score)}`), document.createTextNode(' points'));
    const meter = make('meter');
    meter.min = 0;
    meter.max = answer.max_score || 1;
    meter.value = answer.score;
    score.append(meter);
    const list = make('ul', undefined, 'grade-results');
    for (const test of answer.tests) {
      const item = make('li', undefined, test.passed ? 'passed' : 'failed');
      item.dataset.name = test.name;
      item.append(
        make('span', test.passed ? '✓' : '✗', 'mark'),
        make('span', test.name, 'name'),
        make('span', `${formatPoints(test.points)}/${formatPoints(test.max_points)}`, 'points'),
      );
      const why = test.error ? errorText(test.error) : test.message;
      if (why) item.append(make('pre', why, test.error ? 'why error' : 'why'));
      list.append(item);
    }
    this.result.replaceChildren(score, list, make('p', answer.feedback, 'feedback'));
    this.result.hidden = false;
  }
}

function errorText(error: NonNullable<TestResult['error']>): string {
  if (typeof error === 'string') return error;
  return `${error.type}: ${error.message}${error.line ? ` (line ${error.line})` : ''}`;
}

function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(2).replace(/0+$/, '');
}
