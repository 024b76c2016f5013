import { describe, expect, it } from 'vitest';
import { splitLinks } from './links.ts';

describe('splitLinks', () => {
  it('leaves text without links as one text part', () => {
    expect(splitLinks('hello there')).toEqual([{ kind: 'text', text: 'hello there' }]);
    expect(splitLinks('')).toEqual([]);
  });

  it('finds http and https links in text', () => {
    expect(splitLinks('see https://example.org/a?b=1 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ' now' },
    ]);
    expect(splitLinks('http://a.example')).toEqual([{ kind: 'link', text: 'http://a.example', href: 'http://a.example/' }]);
  });

  it('opens bare www. hosts over https but shows them as typed', () => {
    expect(splitLinks('www.example.org')).toEqual([{ kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' }]);
  });

  it('leaves trailing punctuation outside the link, but keeps balanced brackets', () => {
    expect(splitLinks('go to https://example.org.')[1]).toEqual({ kind: 'link', text: 'https://example.org', href: 'https://example.org/' });
    expect(splitLinks('(https://example.org)')).toEqual([
      { kind: 'text', text: '(' },
      { kind: 'link', text: 'https://example.org', href: 'https://example.org/' },
      { kind: 'text', text: ')' },
    ]);
    expect(splitLinks('https://en.wikipedia.org/wiki/Onion_(disambiguation)')[0]).toMatchObject({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Onion_(disambiguation)',
    });
  });

  it('never links javascript:, data: or other schemes', () => {
    for (const text of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'ftp://example.org']) {
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('does not link a scheme hidden inside a word or a URL with credentials', () => {
    expect(splitLinks('xhttps://example.org')).toEqual([{ kind: 'text', text: 'xhttps://example.org' }]);
    expect(splitLinks('https://bank.example@evil.example')).toEqual([{ kind: 'text', text: 'https://bank.example@evil.example' }]);
  });

  it('keeps HTML as text: the markup renders parts as text nodes', () => {
    const text = '<img src=x onerror=alert(1)> https://example.org';
    const parts = splitLinks(text);
    expect(parts[0]).toEqual({ kind: 'text', text: '<img src=x onerror=alert(1)> ' });
    expect(parts.map((part) => part.text).join('')).toBe(text);
  });

  it('stops a link at an angle bracket or a quote', () => {
    expect(splitLinks('<https://example.org>')[1]).toMatchObject({ text: 'https://example.org' });
    expect(splitLinks('"https://example.org"')[1]).toMatchObject({ text: 'https://example.org' });
  });
});
