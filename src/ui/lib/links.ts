/**
 * Splits message text into plain runs and links, so that the markup can render each as text or
 * as an <a> — never as HTML. Only http(s) URLs (and bare "www." hosts, shown as typed and opened
 * over https) become links: javascript:, data:, file: and every other scheme stay text.
 */
export type TextPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

// A candidate starts at "http://", "https://" or "www." after a non-word character, and runs to the
// next whitespace or angle bracket. Trailing punctuation is trimmed below.
const CANDIDATE = /(?<![\p{L}\p{N}_])(?:https?:\/\/|www\.)[^\s<>"]+/giu;
const TRAILING = /[.,;:!?'")\]}>]+$/u;

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let cursor = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    let candidate = match[0];
    candidate = trimTrailing(candidate);
    const href = toHref(candidate);
    if (href === null) continue;
    if (start > cursor) parts.push({ kind: 'text', text: text.slice(cursor, start) });
    parts.push({ kind: 'link', text: candidate, href });
    cursor = start + candidate.length;
  }
  if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
  return mergeText(parts);
}

/** Keeps a closing bracket that balances an opening one inside the URL (Wikipedia-style links). */
function trimTrailing(candidate: string): string {
  let result = candidate;
  for (;;) {
    const trailing = TRAILING.exec(result);
    if (trailing === null) return result;
    const last = result[result.length - 1]!;
    if (last === ')' && count(result, '(') >= count(result, ')')) return result;
    result = result.slice(0, -1);
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

function toHref(candidate: string): string | null {
  const withScheme = /^www\./iu.test(candidate) ? `https://${candidate}` : candidate;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.href;
}

function mergeText(parts: TextPart[]): TextPart[] {
  const merged: TextPart[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (part.kind === 'text' && previous?.kind === 'text') {
      merged[merged.length - 1] = { kind: 'text', text: previous.text + part.text };
    } else {
      merged.push(part);
    }
  }
  return merged;
}
