/**
 * Storage-RPC requests as typed values, after parsing (see requests.ts). Timestamps and expiries
 * are milliseconds since the epoch; hashes are the 43-character base64 message hashes.
 */
import type { Json } from './json.ts';
import type { AccountKey, Auth, NamespaceSelector } from './params.ts';

/** Largest message body, in raw bytes (its base64 form may be 4/3 as long). */
export const MAX_MESSAGE_BODY = 76_800;
/** Most sub-requests in one batch or sequence. */
export const BATCH_REQUEST_MAX = 20;

export interface Signed {
  readonly account: AccountKey;
  readonly auth: Auth;
}

export interface StoreRequest {
  readonly method: 'store';
  readonly account: AccountKey;
  readonly namespace: number;
  readonly timestamp: number;
  readonly expiry: number;
  readonly data: Uint8Array;
  /** Present when the client signed; a public-inbox store may omit it. */
  readonly auth?: Auth;
  readonly sigTimestamp?: number;
}
export interface RetrieveRequest {
  readonly method: 'retrieve';
  readonly account: AccountKey;
  readonly namespace: number;
  readonly lastHash?: string;
  readonly maxCount?: number;
  readonly maxSize?: number;
  /** Present when any auth field was given or the namespace needs it. */
  readonly auth?: Auth & { readonly timestamp: number };
}
export interface DeleteRequest extends Signed {
  readonly method: 'delete';
  readonly messages: readonly string[];
  readonly required: boolean;
}
export interface DeleteAllRequest extends Signed {
  readonly method: 'delete_all';
  readonly namespace: NamespaceSelector;
  readonly timestamp: number;
}
export interface DeleteBeforeRequest extends Signed {
  readonly method: 'delete_before';
  readonly namespace: NamespaceSelector;
  readonly before: number;
}
export interface ExpireAllRequest extends Signed {
  readonly method: 'expire_all';
  readonly namespace: NamespaceSelector;
  readonly expiry: number;
}
export interface ExpireRequest extends Signed {
  readonly method: 'expire';
  readonly messages: readonly string[];
  readonly expiry: readonly number[];
  readonly shorten: boolean;
  readonly extend: boolean;
}
export interface GetExpiriesRequest extends Signed {
  readonly method: 'get_expiries';
  readonly messages: readonly string[];
  readonly timestamp: number;
}
export interface GetSwarmRequest {
  readonly method: 'get_swarm';
  readonly account: AccountKey;
}
export interface OxendRequest {
  readonly method: 'oxend_request';
  readonly endpoint: 'get_service_nodes' | 'ons_resolve';
  readonly params?: Json;
}
export interface InfoRequest {
  readonly method: 'info';
}
export interface BatchRequest {
  readonly method: 'batch' | 'sequence';
  readonly requests: readonly SubRequest[];
}
export interface IfElseCondition {
  readonly heightAtLeast?: number;
  readonly heightBefore?: number;
  readonly hfAtLeast?: readonly number[];
  readonly hfBefore?: readonly number[];
  readonly vAtLeast?: readonly number[];
  readonly vBefore?: readonly number[];
}
export interface IfElseRequest {
  readonly method: 'ifelse';
  readonly condition: IfElseCondition;
  readonly then?: ClientRequest;
  readonly else?: ClientRequest;
}

/** The requests that change an account's data on every swarm member. */
export type RecursiveRequest =
  | StoreRequest
  | DeleteRequest
  | DeleteAllRequest
  | DeleteBeforeRequest
  | ExpireAllRequest
  | ExpireRequest;
export type SubRequest = RecursiveRequest | RetrieveRequest | GetExpiriesRequest | GetSwarmRequest | OxendRequest | InfoRequest;
export type ClientRequest = SubRequest | BatchRequest | IfElseRequest;

export const RECURSIVE_METHODS: ReadonlySet<string> = new Set([
  'store',
  'delete',
  'delete_all',
  'delete_before',
  'expire_all',
  'expire',
]);

