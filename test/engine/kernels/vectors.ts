import { readFileSync } from 'node:fs';

/** torch 1.13's exact float32 results (written as JSON doubles, so they compare exactly). */
export interface Vectors {
  linspace: { start: number; end: number; steps: number; torch: number[] }[];
  sum: { values: number[]; torch: number; note?: string }[];
}

export const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as Vectors;
