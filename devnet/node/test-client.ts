/**
 * A minimal storage-RPC client for tests: sends `{method, params}` bodies to a StorageNode and
 * reads the reply back (JSON or text), and builds signed auth fields the way clients do.
 */
import { toHex } from '../../wasm/bytes.ts';
import type { Identity } from '../../wasm/identity.ts';
import { type SignedRequest, signRequest } from '../../wasm/storage.ts';
import type { StorageNode } from './storage-node.ts';
import type { RpcReply } from './types.ts';

export interface Answer {
  readonly status: number;
  readonly reply: RpcReply;
  /** Parsed JSON body (any shape; tests check it). */
  readonly json: any;
  readonly text: string;
}

export async function send(node: StorageNode, body: string | Uint8Array): Promise<Answer> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const reply = await node.handleRpc(bytes);
  const json: unknown = reply.contentType === 'application/json' ? JSON.parse(reply.body) : undefined;
  return { status: reply.status, reply, json, text: reply.body };
}

export function call(node: StorageNode, method: string, params: unknown): Promise<Answer> {
  return send(node, JSON.stringify({ method, params }));
}

/** `pubkey`, `pubkey_ed25519` and `signature` of a 05 account signing `request`. */
export function authFields(account: Identity, request: SignedRequest): Record<string, string> {
  return {
    pubkey: account.sessionId,
    pubkey_ed25519: toHex(account.ed25519PublicKey),
    signature: signRequest(request, account.ed25519SecretKey),
  };
}
