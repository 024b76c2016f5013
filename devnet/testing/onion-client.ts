/**
 * A small onion client for tests: builds a real onion with wasm/onion through a path of devnet
 * nodes to a target node, POSTs it to the guard's `/onion_req/v2` over HTTPS (self-signed
 * certificate accepted) and opens the reply with the innermost key. Path-level failures (502, 504,
 * 400 …) come back as they are, undecrypted, like a real client sees them.
 */
import { fromHex, utf8 } from '../../wasm/bytes.ts';
import { isParleyError, ParleyError } from '../../src/shared/errors.ts';
import {
  buildOnionRequest,
  decryptSnodeReply,
  encodeLayer,
  parseLayer,
  type DeterministicOnionInputs,
  type EncType,
  type OnionHop,
  type SnodeReply,
} from '../../wasm/onion/index.ts';
import { wipe } from '../../wasm/sodium.ts';
import { httpsCall, type HttpsAnswer } from './https-client.ts';

/** A node as the devnet's table (or a NodeRecord) describes it. */
export interface OnionNode {
  readonly ed25519Hex: string;
  readonly x25519Hex: string;
  readonly ip: string;
  readonly httpsPort: number;
}

export interface OnionSend {
  /** `[guard, relay1, relay2]` (1–8 nodes); the guard receives the HTTPS request. */
  readonly path: readonly OnionNode[];
  readonly target: OnionNode;
  /** The storage RPC body, e.g. `{method:'info', params:{}}`, or its JSON text. */
  readonly body: unknown;
  readonly encType?: EncType;
  /** `hop_no` in the outer trailer (absent by default, as desktop sends it). */
  readonly hopNo?: number;
  readonly timeoutMs?: number;
  /** Known-answer tests only. */
  readonly deterministic?: DeterministicOnionInputs;
}

export interface OnionOutcome {
  /** The guard's HTTP answer. */
  readonly http: HttpsAnswer;
  /** The destination's decrypted `{status, body}` when the guard answered 200 with something that opens. */
  readonly reply: SnodeReply | undefined;
}

export async function sendOnion(send: OnionSend): Promise<OnionOutcome> {
  const guard = send.path[0];
  if (guard === undefined) throw new ParleyError('invalid_argument', 'path needs at least a guard', { param: 'path', problem: 'length' });
  const payload = utf8(typeof send.body === 'string' ? send.body : JSON.stringify(send.body));
  const built = await buildOnionRequest({
    path: send.path.map(toHop),
    destination: { kind: 'snode', node: toHop(send.target) },
    payload,
    encType: send.encType,
    deterministic: send.deterministic,
  });
  try {
    const body = send.hopNo === undefined ? built.body : withHopNo(built.body, send.hopNo);
    const http = await httpsCall({
      host: guard.ip,
      port: guard.httpsPort,
      path: '/onion_req/v2',
      body,
      headers: { 'Content-Type': 'application/octet-stream' },
      timeoutMs: send.timeoutMs,
    });
    return { http, reply: http.status === 200 ? await openReply(http.body, built.replyKey, built.encType) : undefined };
  } finally {
    wipe(built.replyKey);
  }
}

/** `sendOnion` through a random 3-node path drawn from `nodes`, never through the target itself. */
export function sendOnionVia(
  nodes: readonly OnionNode[],
  target: OnionNode,
  body: unknown,
  options: Omit<OnionSend, 'path' | 'target' | 'body'> = {},
): Promise<OnionOutcome> {
  return sendOnion({ ...options, path: randomPath(nodes, [target]), target, body });
}

/** The reply's JSON body, for RPCs that answer JSON. */
export function replyJson(outcome: OnionOutcome): unknown {
  if (outcome.reply === undefined) throw new Error(`no decrypted reply (HTTP ${outcome.http.status}: ${outcome.http.text.slice(0, 200)})`);
  return JSON.parse(outcome.reply.body);
}

/** `count` distinct random nodes from `nodes`, none of them `exclude` (desktop keeps the target off its path). */
export function randomPath<T extends OnionNode>(nodes: readonly T[], exclude: readonly OnionNode[], count = 3): T[] {
  const excluded = new Set(exclude.map((node) => node.ed25519Hex));
  const pool = nodes.filter((node) => !excluded.has(node.ed25519Hex));
  if (pool.length < count) {
    throw new ParleyError('invalid_argument', `need ${count} path nodes, only ${pool.length} available`, { param: 'nodes', problem: 'length' });
  }
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

function toHop(node: OnionNode): OnionHop {
  return { ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: fromHex(node.x25519Hex, 'x25519Hex') };
}

function withHopNo(body: Uint8Array, hopNo: number): Uint8Array {
  const { blob, trailer } = parseLayer(body);
  return encodeLayer(blob, { ...trailer, hop_no: hopNo });
}

async function openReply(body: Uint8Array, replyKey: Uint8Array, encType: EncType): Promise<SnodeReply | undefined> {
  try {
    return await decryptSnodeReply(body, replyKey, encType);
  } catch (error) {
    if (isParleyError(error)) return undefined;
    throw error;
  }
}


