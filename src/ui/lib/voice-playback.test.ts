import { describe, expect, it } from 'vitest';
import { forget, playExclusively } from './voice-playback.ts';

/** Just what playExclusively touches of an audio element. */
function fakeAudio() {
  const calls: string[] = [];
  return {
    calls,
    element: {
      play: () => {
        calls.push('play');
        return Promise.resolve();
      },
      pause: () => calls.push('pause'),
    } as unknown as HTMLAudioElement,
  };
}

describe('playExclusively', () => {
  it('pauses the voice message playing when another starts, and only that one', async () => {
    const first = fakeAudio();
    const second = fakeAudio();
    await playExclusively(first.element);
    await playExclusively(second.element);
    expect(first.calls).toEqual(['play', 'pause']);
    expect(second.calls).toEqual(['play']);
    // The same one again is not paused first.
    await playExclusively(second.element);
    expect(second.calls).toEqual(['play', 'play']);
    forget(second.element);
  });

  it('leaves alone a player that went away', async () => {
    const gone = fakeAudio();
    const next = fakeAudio();
    await playExclusively(gone.element);
    forget(gone.element);
    await playExclusively(next.element);
    expect(gone.calls).toEqual(['play']);
    forget(next.element);
  });
});
