/**
 * JSON as the storage server reads and writes it. Requests are parsed strictly (UTF-8, RFC 8259);
 * replies are written compactly with object keys sorted, because the server's JSON objects are
 * ordered maps, and u64 values (swarm ids) are written exactly from bigint.
 */

export type Json = null | boolean | number | bigint | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Parses a request body; `undefined` for anything the server would call "invalid json". */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    // The decoder drops a leading BOM, as the server's parser skips one.
    text = utf8Strict.decode(body);
  } catch {
    return undefined;
  }
  if (hasLoneSurrogateEscape(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compact JSON with sorted keys; bigint is written as an exact integer. */
export function stringifyJson(value: Json): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map(stringifyJson).join(',') + ']';
  const keys = Object.keys(value).sort(byCodeUnits);
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + stringifyJson(value[k] as Json)).join(',') + '}';
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The server's JSON parser rejects `\uD800`-style escapes that do not form a surrogate pair;
 * JSON.parse accepts them. Only escapes matter: raw lone surrogates cannot survive strict UTF-8.
 */
function hasLoneSurrogateEscape(text: string): boolean {
  if (!text.includes('\\u')) return false;
  const escapes = /\\(u[0-9a-fA-F]{4}|.)/g;
  let pendingHigh = false;
  let lastEnd = -1;
  for (const match of text.matchAll(escapes)) {
    const token = match[1] ?? '';
    const start = match.index ?? 0;
    const code = token.length === 5 && token[0] === 'u' ? parseInt(token.slice(1), 16) : -1;
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const isLow = code >= 0xdc00 && code <= 0xdfff;
    if (pendingHigh && !(isLow && start === lastEnd)) return true;
    if (!pendingHigh && isLow) return true;
    pendingHigh = isHigh;
    lastEnd = start + match[0].length;
  }
  return pendingHigh;
}
