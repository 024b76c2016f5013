import { describe, expect, it } from 'vitest';
import { MediaPreviews, type MakeFrame } from './media-previews.ts';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];
const WEBM_HEAD = [0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0];
const file = (head: number[]) => new Blob([new Uint8Array([...head, 1, 2, 3])], { type: 'application/octet-stream' });

/** A frame maker that answers when told to, and records what it was asked. */
function frames() {
  const asked: { kind: string; type: string }[] = [];
  const waiting: (() => void)[] = [];
  const running = { now: 0, most: 0 };
  const makeFrame: MakeFrame = async (media, typed) => {
    asked.push({ kind: media.kind, type: typed.type });
    running.now += 1;
    running.most = Math.max(running.most, running.now);
    await new Promise<void>((resolve) => waiting.push(resolve));
    running.now -= 1;
    return { width: 32, height: 24, blob: new Blob(['small']) };
  };
  const finishAll = async (): Promise<void> => {
    while (waiting.length > 0) waiting.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { asked, waiting, running, makeFrame, finishAll };
}

function previews(makeFrame: MakeFrame, limit = 10) {
  let made = 0;
  const live = new Set<string>();
  const set = new MediaPreviews({
    makeFrame,
    limit,
    createUrl: () => {
      const url = `blob:test/${++made}`;
      live.add(url);
      return url;
    },
    revokeUrl: (url) => live.delete(url),
  });
  return { set, live };
}

/** Lets pending reads and sniffs run until the frame maker has been asked `count` times in all. */
async function untilAsked(asked: unknown[], count: number): Promise<void> {
  for (let turn = 0; turn < 100 && asked.length < count; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  expect(asked).toHaveLength(count);
}

describe('MediaPreviews', () => {
  it('types the bytes by what they are, never by the claim, and makes nothing for what is no picture', async () => {
    const maker = frames();
    const { set } = previews(maker.makeFrame);
    const image = set.acquire(1, 0, async () => file(PNG_HEAD));
    const video = set.acquire(1, 1, async () => file(WEBM_HEAD));
    await untilAsked(maker.asked, 2);
    await maker.finishAll();
    expect((await image)?.kind).toBe('image');
    expect((await video)?.kind).toBe('video');
    expect(maker.asked).toEqual([{ kind: 'image', type: 'image/png' }, { kind: 'video', type: 'video/webm' }]);

    let reads = 0;
    const html = async () => {
      reads += 1;
      return new Blob(['<html><script>alert(1)</script>'], { type: 'image/png' });
    };
    expect(await set.acquire(1, 2, html)).toBeNull();
    expect(await set.acquire(1, 2, html)).toBeNull();
    expect(reads).toBe(1); // remembered as no picture
    expect(set.kindOf(1, 0)).toBe('image');
    expect(set.kindOf(1, 2)).toBeUndefined();
  });

  it('makes at most two at once, and one per attachment however many rows ask', async () => {
    const maker = frames();
    const { set } = previews(maker.makeFrame);
    const asks = [0, 1, 2, 3].map((index) => set.acquire(7, index, async () => file(PNG_HEAD)));
    const again = set.acquire(7, 0, async () => file(PNG_HEAD));
    const all = Promise.all([...asks, again]);
    let settled = false;
    void all.then(() => (settled = true));
    for (let turn = 0; turn < 200 && !settled; turn++) await maker.finishAll();
    const answered = await all;
    expect(maker.running.most).toBe(2);
    expect(maker.asked).toHaveLength(4);
    expect(answered.every((preview) => preview !== null)).toBe(true);
    expect(answered[4]?.url).toBe(answered[0]?.url);
  });

  it('revokes every URL on close, and one still being made is never created', async () => {
    const maker = frames();
    const { set, live } = previews(maker.makeFrame);
    const shown = set.acquire(3, 0, async () => file(PNG_HEAD));
    await untilAsked(maker.asked, 1);
    await maker.finishAll();
    expect(await shown).not.toBeNull();
    const late = set.acquire(3, 1, async () => file(PNG_HEAD));
    await untilAsked(maker.asked, 2);
    expect(live.size).toBe(1);
    set.close();
    expect(live.size).toBe(0);
    await maker.finishAll();
    expect(await late).toBeNull();
    expect(live.size).toBe(0);
  });

  it('past its limit drops previews no row shows and revokes them', async () => {
    const maker = frames();
    const { set, live } = previews(maker.makeFrame, 1);
    const first = set.acquire(5, 0, async () => file(PNG_HEAD));
    await untilAsked(maker.asked, 1);
    await maker.finishAll();
    await first;
    set.release(5, 0);
    const second = set.acquire(5, 1, async () => file(PNG_HEAD));
    await untilAsked(maker.asked, 2);
    await maker.finishAll();
    await second;
    expect(live.size).toBe(1);
    expect(set.kindOf(5, 0)).toBeUndefined();
    expect(set.kindOf(5, 1)).toBe('image');
  });
});
