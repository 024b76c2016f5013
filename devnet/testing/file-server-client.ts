/**
 * A test client of the file server: one v4 request sealed to the server's X25519 key, sent as an
 * onion through a path of devnet nodes whose last one proxies it to the server (the only way in),
 * and the v4 reply opened. A path-level failure (the guard answers other than 200) comes back as
 * `http` with no reply.
 */
import { fromHex } from '../../wasm/bytes.ts';
import type { FileServerProfile } from '../../src/shared/file-server-api.ts';
import { buildOnionRequest, decryptV4Reply, encodeV4Request, type V4Reply, type V4Request } from '../../wasm/onion/index.ts';
import { wipe } from '../../wasm/sodium.ts';
import { httpsCall, type HttpsAnswer } from './https-client.ts';
import type { OnionNode } from './onion-client.ts';

export interface FileServerOutcome {
  readonly http: HttpsAnswer;
  readonly reply: V4Reply | undefined;
}

export async function fileServerCall(
  path: readonly OnionNode[],
  server: FileServerProfile,
  request: V4Request,
  timeoutMs = 30_000,
): Promise<FileServerOutcome> {
  const url = new URL(server.url);
  const built = await buildOnionRequest({
    path: path.map((node) => ({ ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: fromHex(node.x25519Hex) })),
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
  try {
    const guard = path[0]!;
    const http = await httpsCall({ host: guard.ip, port: guard.httpsPort, path: '/onion_req/v2', body: built.body, timeoutMs });
    return { http, reply: http.status === 200 ? await decryptV4Reply(http.body, built.replyKey, built.encType) : undefined };
  } finally {
    wipe(built.replyKey);
  }
}

/** The reply's body as JSON. */
export function replyJson(reply: V4Reply | undefined): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(reply?.body ?? new Uint8Array())) as Record<string, unknown>;
}
