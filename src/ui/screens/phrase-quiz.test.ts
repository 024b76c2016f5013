import { describe, expect, it } from 'vitest';
import { cryptoRandomInt, makeQuiz } from './phrase-quiz.ts';

const PHRASE = 'ruby unquoted eluded puppy oars vane refer gorilla number bamboo atlas laboratory puppy'.split(' ');

describe('makeQuiz', () => {
  it('asks for one word of each half, with four distinct choices holding the answer', () => {
    for (let run = 0; run < 200; run++) {
      const [first, second] = makeQuiz(PHRASE);
      expect(first!.position).toBeGreaterThanOrEqual(1);
      expect(first!.position).toBeLessThanOrEqual(6);
      expect(second!.position).toBeGreaterThanOrEqual(7);
      expect(second!.position).toBeLessThanOrEqual(13);
      for (const question of [first!, second!]) {
        expect(question.answer).toBe(PHRASE[question.position - 1]);
        expect(question.choices).toHaveLength(4);
        expect(new Set(question.choices).size).toBe(4);
        expect(question.choices).toContain(question.answer);
        for (const choice of question.choices) expect(PHRASE).toContain(choice);
      }
    }
  });

  it('is driven by the random source it is given', () => {
    const zero = () => 0;
    const [first, second] = makeQuiz(PHRASE, zero);
    expect(first!.position).toBe(1);
    expect(second!.position).toBe(7);
  });

  it('refuses a phrase too short to quiz', () => {
    expect(() => makeQuiz(['a', 'b'])).toThrow();
  });
});

describe('cryptoRandomInt', () => {
  it('stays within [0, n)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const value = cryptoRandomInt(5);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(5);
      seen.add(value);
    }
    expect(seen.size).toBe(5);
  });
});
