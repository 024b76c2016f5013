/**
 * The file server's contract (client-protocol.md §6.3), shared by the devnet's file server and the
 * core that talks to it through onion requests v4. Session's own server (filev2.getsession.org)
 * speaks the same paths, so the core needs nothing else to reach it.
 */

/** Largest body the file server takes, and largest encrypted blob the client uploads (desktop MAX_ATTACHMENT_FILESIZE_BYTES). */
export const FILE_SERVER_MAX_BYTES = 10_000_000;

/** How long an upload lives when the client names no TTL: the file server's sample config, 3 weeks. */
export const FILE_SERVER_DEFAULT_TTL_SECONDS = 21 * 24 * 60 * 60;

/** The longest TTL a client may ask for with X-FS-TTL (the same 3 weeks; a shorter one is honoured). */
export const FILE_SERVER_MAX_TTL_SECONDS = FILE_SERVER_DEFAULT_TTL_SECONDS;

/** Optional upload header: the lifetime the client wants, in seconds. */
export const FILE_SERVER_TTL_HEADER = 'X-FS-TTL';

/** Upload: POST the raw encrypted bytes here. */
export const FILE_SERVER_UPLOAD_PATH = '/file';

/** A file id in the modern form: 44 url-safe base64 characters (BLAKE2b-264 of the body). */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{44}$/;

/** A file id in the older form: a stringified 53-bit integer. */
export const LEGACY_FILE_ID_PATTERN = /^[0-9]{1,16}$/;

export function isFileId(id: string): boolean {
  return FILE_ID_PATTERN.test(id) || LEGACY_FILE_ID_PATTERN.test(id);
}

export function fileDownloadPath(id: string): string {
  return `/file/${id}`;
}

export function fileExtendPath(id: string): string {
  return `/file/${id}/extend`;
}

export function fileInfoPath(id: string): string {
  return `/file/${id}/info`;
}

/** `POST /file` and `POST /file/<id>/extend` answer this JSON; `expires` is unix seconds (a float). */
export interface FileUploadAnswer {
  readonly id: string;
  readonly expires: number;
}

/** `GET /file/<id>/info` answers this JSON (sizes in bytes, times in unix seconds). */
export interface FileInfoAnswer {
  readonly id: string;
  readonly size: number;
  readonly uploaded: number;
  readonly expires: number;
}

/** A file server as the network profile names it: where it is and the keys its onion layer is sealed to. */
export interface FileServerProfile {
  /** Base URL without a trailing slash, e.g. `http://filev2.getsession.org` or `http://127.0.0.1:22090`. */
  readonly url: string;
  /** 64 hex characters. */
  readonly ed25519PublicKeyHex: string;
  /** 64 hex characters. */
  readonly x25519PublicKeyHex: string;
}

const KEY_HEX = /^[0-9a-f]{64}$/;

/**
 * The URL an AttachmentPointer carries (§6.3): `<server>/file/<id>`, with `#p=<ed25519 hex>` for
 * any server but Session's, so a receiver knows whose key to seal its download to.
 */
export function attachmentUrl(server: FileServerProfile, id: string): string {
  const base = `${server.url}${fileDownloadPath(id)}`;
  return server.ed25519PublicKeyHex === SESSION_FILE_SERVER.ed25519PublicKeyHex ? base : `${base}#p=${server.ed25519PublicKeyHex}`;
}

export interface ParsedAttachmentUrl {
  /** The server's origin, e.g. `http://filev2.getsession.org`. */
  readonly serverUrl: string;
  readonly id: string;
  /** From `p=`; absent means Session's default server. */
  readonly serverEd25519Hex: string | undefined;
  /** `d` in the fragment: the deterministic scheme (§6.2). */
  readonly deterministic: boolean;
}

/** Reads a pointer's URL; undefined for anything that is not an http(s) `/file/<id>` URL with a valid id. */
export function parseAttachmentUrl(url: string): ParsedAttachmentUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const match = /^\/file\/([^/]+)$/.exec(parsed.pathname);
  if (match === null || !isFileId(match[1]!)) return undefined;
  const params = parsed.hash.replace(/^#/, '').split('&').filter((part) => part !== '');
  let serverEd25519Hex: string | undefined;
  let deterministic = false;
  for (const param of params) {
    const [name, value] = param.split('=', 2) as [string, string | undefined];
    if (name === 'p' && value !== undefined && KEY_HEX.test(value.toLowerCase())) serverEd25519Hex = value.toLowerCase();
    if (name === 'd') deterministic = true;
  }
  return { serverUrl: parsed.origin, id: match[1]!, serverEd25519Hex, deterministic };
}

/**
 * A file server profile read from JSON (the relay's `GET /v1/network`): an http(s) URL on no path
 * and two lowercase 64-hex keys, or undefined for anything else.
 */
export function parseFileServerProfile(value: unknown): FileServerProfile | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { url, ed25519PublicKeyHex, x25519PublicKeyHex } = value as Record<string, unknown>;
  if (typeof url !== 'string' || typeof ed25519PublicKeyHex !== 'string' || typeof x25519PublicKeyHex !== 'string') return undefined;
  if (!KEY_HEX.test(ed25519PublicKeyHex) || !KEY_HEX.test(x25519PublicKeyHex)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username) return undefined;
  return { url: parsed.origin, ed25519PublicKeyHex, x25519PublicKeyHex };
}

/** Session's file server (client-protocol.md §6.3; desktop FileServerTarget.ts). */
export const SESSION_FILE_SERVER: FileServerProfile = {
  url: 'http://filev2.getsession.org',
  ed25519PublicKeyHex: 'b8eef9821445ae16e2e97ef8aa6fe782fd11ad5253cd6723b281341dba22e371',
  x25519PublicKeyHex: '09324794aa9c11948189762d198c618148e9136ac9582068180661208927ef34',
};
