/**
 * What every answer of the relay's API carries, and who may call it.
 *
 * The API answers bytes that come from nodes nobody vouches for. Served on the app's origin as a page
 * they could read its storage, so they are never typed by the node: the route names the type, and a
 * sandboxing CSP plus nosniff make even a navigation to the answer inert.
 *
 * A browser page of another origin may not use the relay: it sends an `Origin` naming itself, and
 * the relay answers 403. Clients that are not browsers send no `Origin` and are not refused (they
 * could forge any header anyway; the check protects browsers, not the relay).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Scripts, plugins, forms, same-origin access: all off, whatever the bytes turn out to be. */
export const API_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'";

export function applyApiHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * True when the request comes from the relay's own pages, from a listed origin, or from no page at
 * all. "Own" means the Origin's host and port are the ones the request was sent to (`Host`): the
 * scheme is not compared, since a TLS terminator in front of the relay turns https into http.
 */
export function isAllowedOrigin(req: IncomingMessage, listedOrigins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (listedOrigins.has(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed or opaque page) and anything malformed
  }
  const host = req.headers.host;
  if (host === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  return url.host === normaliseHost(url.protocol, host);
}

/** The Host header as the URL parser writes it for that scheme (lower case, default port dropped). */
function normaliseHost(protocol: string, host: string): string | undefined {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}

/** True when the request's media type (parameters aside, any case) is `expected`. */
export function hasContentType(req: IncomingMessage, expected: string): boolean {
  const header = req.headers['content-type'];
  if (header === undefined) return false;
  const essence = header.split(';', 1)[0]!.trim().toLowerCase();
  return essence === expected;
}
