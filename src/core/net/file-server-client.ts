/**
 * The file server through onions (client-protocol.md §6.3, network-protocol.md §4.4): one v4
 * request sealed to the server's X25519 key, sent along one of our 3-hop paths whose last node
 * proxies it to the server, and the v4 reply opened with the request's key. Uploads go on the
 * relay's large-onion route (a 10 MB body); downloads are small requests with large answers and
 * use the normal one. The client never talks to the server directly.
 *
 * Errors, by code: `file_not_found` (404: never uploaded, or expired), `file_server_refused`
 * (any other non-2xx, details.status), `file_server_unknown` (no file server in the profile, or a
 * pointer's URL names one we do not know), `path_failed` (the path did not deliver: no answer, a
 * reply that does not open, a path node's error), `relay_busy`, `network_offline`, `aborted`.
 * One attempt only: retrying belongs to the caller (the attachment queue).
 */
import { ParleyError, isParleyError } from '../../shared/errors.ts';
import {
  FILE_SERVER_MAX_BYTES,
  FILE_SERVER_UPLOAD_PATH,
  SESSION_FILE_SERVER,
  attachmentUrl,
  fileDownloadPath,
  parseAttachmentUrl,
  type FileServerProfile,
} from '../../shared/file-server-api.ts';
import { fromHex } from '../../../wasm/bytes.ts';
import { buildOnionRequest, decryptV4Reply, encodeV4Request, type V4Reply, type V4Request } from '../../../wasm/onion/index.ts';
import { wipe } from '../../../wasm/sodium.ts';
import { abortedError, deadline, throwIfAborted } from './abort.ts';
import type { NetworkProfile } from './network-profile.ts';
import type { PathManager } from './paths.ts';
import { onionHop } from './snode-records.ts';
import type { OnionAnswer, RelayTransport } from './transport.ts';
import type { OnionPath } from './types.ts';

/** A whole-file request takes longer than a storage RPC: 10 MB across three hops and a proxy. */
export const FILE_TRANSFER_TIMEOUT_MS = 120_000;

/** The v4 reply of a full download is the blob plus a little framing and the AEAD tag. */
const MAX_DOWNLOAD_REPLY_BYTES = FILE_SERVER_MAX_BYTES + 64 * 1024;

export interface UploadedFile {
  readonly id: string;
  /** The URL for the AttachmentPointer (with `#p=` on any server but Session's). */
  readonly url: string;
  /** Unix seconds. */
  readonly expires: number;
}

export interface FileServerClientOptions {
  readonly profile: NetworkProfile;
  readonly transport: Pick<RelayTransport, 'postOnion' | 'postLargeOnion'>;
  readonly paths: Pick<PathManager, 'pathFor' | 'reportSuccess' | 'reportFailure'>;
  /**
   * Where a profile without a file server learns one: a devnet started offline knows none until
   * its relay can be asked (RelayTransport.askFileServer), so an attachment written offline and
   * resumed after a reload waits for the network instead of failing.
   */
  readonly discover?: ((signal?: AbortSignal) => Promise<FileServerProfile | undefined>) | undefined;
  readonly log?: (line: string) => void;
}

export interface TransferOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  /**
   * 0..1 of the transfer: a download's answer as it arrives (when its length is known); an
   * upload's body as it goes out (through XMLHttpRequest; where there is none, only 0 and 1).
   */
  readonly onProgress?: ((fraction: number) => void) | undefined;
}

export class FileServerClient {
  /** The file server `discover` found (kept: asked once it answers). */
  private discovered: FileServerProfile | undefined;

  constructor(private readonly options: FileServerClientOptions) {}

  /** POST /file with the encrypted blob; the answer's id and expiry, and the URL to put in the pointer. */
  async upload(blob: Uint8Array, options: TransferOptions = {}): Promise<UploadedFile> {
    if (blob.length === 0 || blob.length > FILE_SERVER_MAX_BYTES) {
      throw new ParleyError('invalid_argument', `an upload is 1 to ${FILE_SERVER_MAX_BYTES} bytes`, { param: 'blob', problem: 'length' });
    }
    const server = await this.ownServer(options.signal);
    const reply = await this.exchange(
      server,
      { method: 'POST', endpoint: FILE_SERVER_UPLOAD_PATH, headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment' }, body: blob },
      true,
      options,
    );
    const answer = parseJson(reply.body);
    const id = answer?.['id'];
    const expires = answer?.['expires'];
    // Session's server has answered the id as a number in its older mode: taken as its decimal text.
    const idText = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
    if (typeof idText !== 'string' || parseAttachmentUrl(attachmentUrl(server, idText)) === undefined || typeof expires !== 'number') {
      throw new ParleyError('file_server_refused', 'the file server answered an upload without a usable id', { status: reply.code, reason: 'answer' });
    }
    return { id: idText, url: attachmentUrl(server, idText), expires };
  }

  /** GET /file/<id> of a pointer's URL: the encrypted blob, at most FILE_SERVER_MAX_BYTES. */
  async download(url: string, options: TransferOptions = {}): Promise<Uint8Array> {
    const parsed = parseAttachmentUrl(url);
    if (parsed === undefined) throw new ParleyError('file_server_unknown', 'the attachment URL is not a file server URL', { reason: 'url' });
    const server = await this.serverOf(parsed.serverUrl, parsed.serverEd25519Hex, options.signal);
    const reply = await this.exchange(server, { method: 'GET', endpoint: fileDownloadPath(parsed.id), headers: {} }, false, options);
    if (reply.body.length > FILE_SERVER_MAX_BYTES) {
      throw new ParleyError('file_server_refused', 'the file is larger than any attachment may be', { status: reply.code, reason: 'too_large' });
    }
    return reply.body;
  }

  /** The server uploads go to: the profile's (Session's on mainnet, the relay-named one on a devnet). */
  private async ownServer(signal: AbortSignal | undefined): Promise<FileServerProfile> {
    const server = await this.profileServer(signal);
    if (server === undefined) throw new ParleyError('file_server_unknown', 'this network has no file server known yet', { reason: 'profile' });
    return server;
  }

  /**
   * A pointer's server, known by its keys: the profile's own, or Session's default. Any other is
   * refused rather than reached with a key converted from its `p=` (a later step; docs/attachments.md).
   */
  private async serverOf(serverUrl: string, ed25519Hex: string | undefined, signal: AbortSignal | undefined): Promise<FileServerProfile> {
    const candidates = [await this.profileServer(signal), SESSION_FILE_SERVER].filter((s): s is FileServerProfile => s !== undefined);
    const wanted = ed25519Hex ?? SESSION_FILE_SERVER.ed25519PublicKeyHex;
    const known = candidates.find((s) => s.ed25519PublicKeyHex === wanted && new URL(s.url).origin === serverUrl);
    if (known === undefined) throw new ParleyError('file_server_unknown', 'the attachment is on a file server this client does not know', { reason: 'server' });
    return known;
  }

  /** The profile's file server, or the one `discover` finds (asked again until it answers). */
  private async profileServer(signal: AbortSignal | undefined): Promise<FileServerProfile | undefined> {
    const known = this.options.profile.fileServer ?? this.discovered;
    if (known !== undefined || this.options.discover === undefined) return known;
    this.discovered = await this.options.discover(signal);
    if (this.discovered !== undefined) this.options.log?.('net: file server learnt from the relay');
    return this.discovered;
  }

  private async exchange(server: FileServerProfile, request: V4Request, large: boolean, options: TransferOptions): Promise<V4Reply> {
    const { signal } = options;
    throwIfAborted(signal);
    const { paths, transport } = this.options;
    const path = await paths.pathFor(undefined, new Set(), signal);
    const url = new URL(server.url);
    const built = await buildOnionRequest({
      path: path.map(onionHop),
      destination: {
        kind: 'server',
        x25519PublicKey: fromHex(server.x25519PublicKeyHex),
        host: url.hostname,
        target: '/oxen/v4/lsrpc',
        protocol: url.protocol === 'https:' ? 'https' : 'http',
        port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
      },
      payload: encodeV4Request(request),
    });
    const limit = deadline(signal, options.timeoutMs ?? FILE_TRANSFER_TIMEOUT_MS);
    let answer: OnionAnswer;
    try {
      const progress = options.onProgress;
      const fraction = progress ? (done: number, total: number) => total > 0 && progress(Math.min(1, done / total)) : undefined;
      answer = large
        ? await transport.postLargeOnion(path[0], built.body, limit.signal, fraction)
        : await transport.postOnion(path[0], built.body, limit.signal, fraction);
    } catch (error) {
      wipe(built.replyKey);
      limit.dispose();
      if (isParleyError(error, 'aborted')) {
        if (!limit.timedOut()) throw abortedError();
        await paths.reportFailure(path);
        throw pathFailed(path, 'timeout');
      }
      throw error;
    }
    limit.dispose();
    try {
      if (answer.relayError === 'rate_limited' || answer.relayError === 'relay_busy') {
        throw new ParleyError('relay_busy', 'the relay asks to slow down', { reason: answer.relayError, retryAfterMs: answer.retryAfterMs ?? 1_000 });
      }
      if (answer.status !== 200 || answer.relayError !== undefined || answer.body.length > MAX_DOWNLOAD_REPLY_BYTES) {
        await paths.reportFailure(path, { guardDown: answer.relayError === 'node_unreachable' || answer.relayError === 'node_timeout' });
        throw pathFailed(path, answer.relayError ?? 'status', answer.status);
      }
      let reply: V4Reply;
      try {
        reply = await decryptV4Reply(answer.body, built.replyKey, built.encType);
      } catch (error) {
        if (!isParleyError(error, 'onion_decrypt_failed') && !isParleyError(error, 'onion_malformed')) throw error;
        await paths.reportFailure(path);
        throw pathFailed(path, 'bad_reply');
      }
      paths.reportSuccess(path);
      if (reply.code === 404) throw new ParleyError('file_not_found', 'the file server has no such file (or it expired)', { status: 404 });
      if (reply.code < 200 || reply.code > 299) {
        this.options.log?.(`net: file server ${request.method} ${reply.code}`);
        throw new ParleyError('file_server_refused', 'the file server refused the request', { status: reply.code });
      }
      return reply;
    } finally {
      wipe(built.replyKey);
    }
  }
}

function pathFailed(path: OnionPath, reason: string, status?: number): ParleyError {
  return new ParleyError('path_failed', 'the onion path did not deliver the file request', {
    guard: path[0].ed25519Hex,
    reason,
    ...(status === undefined ? {} : { status }),
  });
}

function parseJson(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(body)) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

