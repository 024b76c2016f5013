import { describe, expect, it } from 'vitest';
import { PreviewCache, type Preview } from './preview-cache.ts';

const preview = (url: string): Preview => ({ url, kind: 'image', width: 10, height: 10 });

function cache(limit: number) {
  const revoked: string[] = [];
  return { revoked, cache: new PreviewCache(limit, (url) => revoked.push(url)) };
}

describe('PreviewCache', () => {
  it('keeps at most `limit` previews, evicting the least recently used and revoking its URL', () => {
    const { cache: previews, revoked } = cache(2);
    for (const key of ['a', 'b']) {
      previews.put(key, preview(`blob:${key}`));
      previews.take(key);
      previews.release(key);
    }
    previews.take('a'); // a is now more recent than b
    previews.release('a');
    previews.put('c', preview('blob:c'));
    previews.take('c');
    expect(revoked).toEqual(['blob:b']);
    expect(previews.peek('b')).toBeUndefined();
    expect(previews.peek('a')?.url).toBe('blob:a');
    expect(previews.size).toBe(2);
  });

  it('never evicts a preview a row shows; it goes once released', () => {
    const { cache: previews, revoked } = cache(1);
    previews.put('a', preview('blob:a'));
    previews.take('a');
    previews.put('b', preview('blob:b'));
    previews.take('b');
    expect(revoked).toEqual([]);
    expect(previews.size).toBe(2);
    previews.release('a');
    expect(revoked).toEqual(['blob:a']);
    expect(previews.size).toBe(1);
  });

  it('a replaced preview and every preview on clear are revoked', () => {
    const { cache: previews, revoked } = cache(10);
    previews.put('a', preview('blob:a1'));
    previews.put('a', preview('blob:a2'));
    previews.put('b', preview('blob:b'));
    previews.take('b');
    expect(revoked).toEqual(['blob:a1']);
    previews.clear();
    expect(revoked.sort()).toEqual(['blob:a1', 'blob:a2', 'blob:b']);
    expect(previews.size).toBe(0);
  });
});
