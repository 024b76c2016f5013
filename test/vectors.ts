import { readFileSync } from 'node:fs';

/** One known-answer vector file from test/vectors/ (see the README there for sources). */
export interface VectorFile<Case = VectorCase> {
  description: string;
  source: string;
  cases: Case[];
  [extra: string]: unknown;
}

export interface VectorCase {
  id: string;
  kind: string;
  [field: string]: unknown;
}

export function loadVectors<Case = VectorCase>(name: string): VectorFile<Case> {
  const url = new URL(`./vectors/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as VectorFile<Case>;
}

/** The cases of one kind, typed by the caller; fails loudly when a kind has no case, so a typo cannot pass. */
export function casesOf<Case>(file: VectorFile, kind: string): (Case & VectorCase)[] {
  const found = file.cases.filter((c) => c.kind === kind) as (Case & VectorCase)[];
  if (found.length === 0) throw new Error(`no vector cases of kind ${kind}`);
  return found;
}
