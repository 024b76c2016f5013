/**
 * The check that a new recovery phrase was saved: "Which is word 4?" with a few of the phrase's
 * own words to pick from (so a guess from the shape of the words does not help).
 */

export interface QuizQuestion {
  /** 1-based position in the phrase. */
  readonly position: number;
  readonly answer: string;
  /** Distinct words, the answer among them, in random order. */
  readonly choices: readonly string[];
}

/** A random integer in [0, n). Injected so tests can be exact. */
export type RandomInt = (n: number) => number;

export const cryptoRandomInt: RandomInt = (n) => {
  // Rejection sampling: no modulo bias (it matters little here, but costs nothing).
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const value = buffer[0] ?? 0;
    if (value < limit) return value % n;
  }
};

/** Two questions: one word from the first half of the phrase, one from the second. */
export function makeQuiz(words: readonly string[], randomInt: RandomInt = cryptoRandomInt, choiceCount = 4): QuizQuestion[] {
  if (words.length < 4) throw new Error('a phrase to quiz has at least 4 words');
  const half = Math.floor(words.length / 2);
  const first = randomInt(half);
  const second = half + randomInt(words.length - half);
  return [question(words, first, randomInt, choiceCount), question(words, second, randomInt, choiceCount)];
}

function question(words: readonly string[], index: number, randomInt: RandomInt, choiceCount: number): QuizQuestion {
  const answer = words[index] ?? '';
  const others = shuffle(
    [...new Set(words)].filter((word) => word !== answer),
    randomInt,
  ).slice(0, choiceCount - 1);
  return { position: index + 1, answer, choices: shuffle([answer, ...others], randomInt) };
}

function shuffle<T>(items: readonly T[], randomInt: RandomInt): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
