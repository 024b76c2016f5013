import { describe, expect, it } from 'vitest';
import { FailureCounter, PATH_FAILURE_THRESHOLD, SNODE_FAILURE_THRESHOLD } from './failure-counters.ts';

describe('failure counters', () => {
  it('use desktop thresholds: 3 per node, 3 per path', () => {
    expect(SNODE_FAILURE_THRESHOLD).toBe(3);
    expect(PATH_FAILURE_THRESHOLD).toBe(3);
  });

  it('report the threshold on the third failure of a key, then start again', () => {
    const counter = new FailureCounter(3);
    expect(counter.add('a')).toBe(false);
    expect(counter.add('b')).toBe(false);
    expect(counter.add('a')).toBe(false);
    expect(counter.count('a')).toBe(2);
    expect(counter.add('a')).toBe(true);
    expect(counter.count('a')).toBe(0);
    expect(counter.count('b')).toBe(1);
  });

  it('reset and clear forget counts', () => {
    const counter = new FailureCounter(2);
    counter.add('a');
    counter.add('b');
    counter.reset('a');
    expect(counter.add('a')).toBe(false);
    counter.clear();
    expect(counter.count('a') + counter.count('b')).toBe(0);
  });

  it('refuses a threshold that is not a positive integer', () => {
    expect(() => new FailureCounter(0)).toThrow(RangeError);
    expect(() => new FailureCounter(1.5)).toThrow(RangeError);
  });
});
