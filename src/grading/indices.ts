/** The multi-index of flat (row-major) position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return index;
}

/** `[1, 2]` as a student reads an index. */
export function formatIndex(index: readonly number[]): string {
  return `[${index.join(', ')}]`;
}
