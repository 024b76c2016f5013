/**
 * Storage-RPC requests as typed values, loaded from JSON params in the storage server's order:
 * every field's type is checked first (in alphabetical order of the field names), then the
 * required fields and cross-field rules one by one, so the first error a client sees is the one
 * the real server would report.
 */
import { decodeServerBase64, isServerBase64 } from './encoding.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { isNoAuthRetrieveNamespace } from './namespaces.ts';
import {
  type Auth,
  eitherAlias,
  isMessageHash,
  loadAccountKey,
  loadSignature,
  loadSubaccount,
  ParamError,
  readBool,
  readInt,
  readIntArray,
  readNamespace,
  readNamespaceSelector,
  readString,
  readStringArray,
  readStringifiedInteger,
  readTimestamp,
  readTimestampArray,
  requireAtMostOne,
  requireField,
} from './params.ts';
import {
  BATCH_REQUEST_MAX,
  type BatchRequest,
  type ClientRequest,
  type DeleteAllRequest,
  type DeleteBeforeRequest,
  type DeleteRequest,
  type ExpireAllRequest,
  type ExpireRequest,
  type GetExpiriesRequest,
  type GetSwarmRequest,
  type IfElseCondition,
  type IfElseRequest,
  MAX_MESSAGE_BODY,
  type OxendRequest,
  type RetrieveRequest,
  type Signed,
  type StoreRequest,
  type SubRequest,
} from './request-types.ts';

type Loader = (params: JsonObject) => ClientRequest;

const LOADERS: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ['store', loadStore],
  ['retrieve', loadRetrieve],
  ['delete', loadDelete],
  ['delete_all', loadDeleteAll],
  ['delete_before', loadDeleteBefore],
  ['expire_all', loadExpireAll],
  ['expire', loadExpire],
  ['get_expiries', loadGetExpiries],
  ['get_swarm', loadGetSwarm],
  ['get_snodes_for_pubkey', loadGetSwarm],
  ['oxend_request', loadOxendRequest],
  ['info', () => ({ method: 'info' })],
  ['batch', (p) => loadBatch('batch', p)],
  ['sequence', (p) => loadBatch('sequence', p)],
  ['ifelse', loadIfElse],
]);

export function isKnownMethod(method: string): boolean {
  return LOADERS.has(method);
}

/**
 * Loads a request for a known method (see `isKnownMethod`). Params that are not an object read as
 * if every field were missing, as the server's parser does.
 */
export function loadRequest(method: string, params: unknown): ClientRequest {
  const loader = LOADERS.get(method);
  if (loader === undefined) throw new Error(`unknown method ${method}`);
  return loader(isJsonObject(params) ? params : {});
}

function loadStore(d: JsonObject): StoreRequest {
  const data = readString(d, 'data');
  const expiry = readTimestamp(d, 'expiry');
  const namespace = readNamespace(d, 'namespace');
  const pubKeyAlias = readString(d, 'pubKey');
  const pubkey = readString(d, 'pubkey');
  const pubkeyEd25519 = readString(d, 'pubkey_ed25519');
  const sigTimestamp = readTimestamp(d, 'sig_timestamp');
  const signature = readString(d, 'signature');
  const subaccount = readString(d, 'subaccount');
  const subaccountSig = readString(d, 'subaccount_sig');
  const timestamp = readStringifiedInteger(d, 'timestamp', true);
  const ttl = readStringifiedInteger(d, 'ttl', false);

  const ts = requireField('timestamp', timestamp);
  requireAtMostOne('expiry', expiry, 'ttl', ttl);
  if (expiry === undefined && ttl === undefined) throw new ParamError("Required field 'expiry' or 'ttl' missing");
  const resolvedExpiry = expiry ?? ts + (ttl ?? 0);
  const pk = eitherAlias('pubkey', pubkey, 'pubKey', pubKeyAlias);

  const account = loadAccountKey(pk);
  let auth: Auth | undefined;
  if (signature !== undefined) {
    const signed = loadSignature(account, pubkeyEd25519, signature);
    const sub = loadSubaccount(subaccount, subaccountSig);
    auth = sub ? { ...signed, subaccount: sub } : signed;
  }
  const body = requireField('data', data);
  if (!isServerBase64(body)) throw new ParamError("Invalid 'data' value: not base64 encoded");
  if (body.length > (MAX_MESSAGE_BODY / 3) * 4) {
    throw new ParamError(`Message body exceeds maximum allowed length of ${MAX_MESSAGE_BODY} bytes`);
  }
  return {
    method: 'store',
    account,
    namespace: namespace ?? 0,
    timestamp: ts,
    expiry: resolvedExpiry,
    data: decodeServerBase64(body),
    ...(auth ? { auth, sigTimestamp: sigTimestamp ?? ts } : {}),
  };
}

function loadRetrieve(d: JsonObject): RetrieveRequest {
  const lastHashAlias = readString(d, 'lastHash');
  const lastHash = readString(d, 'last_hash');
  const maxCount = readInt(d, 'max_count');
  const maxSize = readInt(d, 'max_size');
  const namespace = readNamespace(d, 'namespace');
  const pubKeyAlias = readString(d, 'pubKey');
  const pubkey = readString(d, 'pubkey');
  const pubkeyEd25519 = readString(d, 'pubkey_ed25519');
  const signature = readString(d, 'signature');
  const subaccount = readString(d, 'subaccount');
  const subaccountSig = readString(d, 'subaccount_sig');
  const timestamp = readTimestamp(d, 'timestamp');

  const pk = eitherAlias('pubkey', pubkey, 'pubKey', pubKeyAlias);
  const account = loadAccountKey(pk);
  let auth: RetrieveRequest['auth'];
  const needsAuth = namespace !== undefined && !isNoAuthRetrieveNamespace(namespace);
  if (pubkeyEd25519 !== undefined || signature !== undefined || timestamp !== undefined || needsAuth) {
    const signed = loadSignature(account, pubkeyEd25519, signature);
    const sub = loadSubaccount(subaccount, subaccountSig);
    // The server reads a missing timestamp here as the epoch, which then fails the clock check.
    auth = { ...signed, ...(sub ? { subaccount: sub } : {}), timestamp: timestamp ?? 0 };
  }

  requireAtMostOne('last_hash', lastHash, 'lastHash', lastHashAlias);
  const after = lastHashAlias ?? lastHash;
  if (after !== undefined && after !== '') {
    if (after.length !== 43) throw new ParamError('Invalid last_hash: expected base64 (43 chars)');
    if (!isServerBase64(after)) throw new ParamError('Invalid last_hash: not base64');
  }
  return {
    method: 'retrieve',
    account,
    namespace: namespace ?? 0,
    ...(after ? { lastHash: after } : {}),
    ...(maxCount !== undefined ? { maxCount } : {}),
    ...(maxSize !== undefined ? { maxSize } : {}),
    ...(auth ? { auth } : {}),
  };
}

/** pubkey, pubkey_ed25519, signature, subaccount, subaccount_sig: read in that order by each loader. */
interface SignedFields {
  pubkey?: string;
  pubkeyEd25519?: string;
  signature?: string;
  subaccount?: string;
  subaccountSig?: string;
}

function readSignedFields(d: JsonObject): SignedFields {
  return {
    pubkey: readString(d, 'pubkey'),
    pubkeyEd25519: readString(d, 'pubkey_ed25519'),
    signature: readString(d, 'signature'),
    subaccount: readString(d, 'subaccount'),
    subaccountSig: readString(d, 'subaccount_sig'),
  };
}

function loadSigned(fields: SignedFields): Signed {
  const account = loadAccountKey(fields.pubkey);
  const signed = loadSignature(account, fields.pubkeyEd25519, fields.signature);
  const sub = loadSubaccount(fields.subaccount, fields.subaccountSig);
  return { account, auth: sub ? { ...signed, subaccount: sub } : signed };
}

function requireHashes(messages: string[] | undefined, validate: boolean): string[] {
  const list = requireField('messages', messages);
  if (list.length === 0) throw new ParamError('messages does not contain any message hashes');
  if (validate) {
    for (const hash of list) if (!isMessageHash(hash)) throw new ParamError('invalid message hash: ' + hash);
  }
  return list;
}

// delete and expire read their signed fields one by one (not readSignedFields): `required` and
// `shorten` fall between them alphabetically, and the read order decides which error comes first.
function loadDelete(d: JsonObject): DeleteRequest {
  const messages = readStringArray(d, 'messages');
  const pubkey = readString(d, 'pubkey');
  const pubkeyEd25519 = readString(d, 'pubkey_ed25519');
  const required = readBool(d, 'required');
  const signature = readString(d, 'signature');
  const subaccount = readString(d, 'subaccount');
  const subaccountSig = readString(d, 'subaccount_sig');
  const signed = loadSigned({ pubkey, pubkeyEd25519, signature, subaccount, subaccountSig });
  return { method: 'delete', ...signed, messages: requireHashes(messages, true), required: required ?? false };
}

function loadDeleteAll(d: JsonObject): DeleteAllRequest {
  const namespace = readNamespaceSelector(d, 'namespace');
  const fields = readSignedFields(d);
  const timestamp = readTimestamp(d, 'timestamp');
  const signed = loadSigned(fields);
  return { method: 'delete_all', ...signed, timestamp: requireField('timestamp', timestamp), namespace: namespace ?? 0 };
}

function loadDeleteBefore(d: JsonObject): DeleteBeforeRequest {
  const before = readTimestamp(d, 'before');
  const namespace = readNamespaceSelector(d, 'namespace');
  const signed = loadSigned(readSignedFields(d));
  return { method: 'delete_before', ...signed, before: requireField('before', before), namespace: namespace ?? 0 };
}

function loadExpireAll(d: JsonObject): ExpireAllRequest {
  const expiry = readTimestamp(d, 'expiry');
  const namespace = readNamespaceSelector(d, 'namespace');
  const signed = loadSigned(readSignedFields(d));
  return { method: 'expire_all', ...signed, expiry: requireField('expiry', expiry), namespace: namespace ?? 0 };
}

function loadExpire(d: JsonObject): ExpireRequest {
  const expiry = readTimestampArray(d, 'expiry');
  const extend = readBool(d, 'extend');
  const messages = readStringArray(d, 'messages');
  const pubkey = readString(d, 'pubkey');
  const pubkeyEd25519 = readString(d, 'pubkey_ed25519');
  const shorten = readBool(d, 'shorten');
  const signature = readString(d, 'signature');
  const subaccount = readString(d, 'subaccount');
  const subaccountSig = readString(d, 'subaccount_sig');
  const signed = loadSigned({ pubkey, pubkeyEd25519, signature, subaccount, subaccountSig });
  const expiries = requireField('expiry', expiry);
  if (expiries.length === 0) throw new ParamError("'expiry' does not contain any expiration timestamps");
  if (shorten === true && extend === true) throw new ParamError("cannot specify both 'shorten' and 'extend'");
  const list = requireField('messages', messages);
  if (list.length === 0) throw new ParamError('messages does not contain any message hashes');
  if (expiries.length > 1 && expiries.length !== list.length) {
    throw new ParamError("'expiry' must be a single expiry, or the same length as 'messages'");
  }
  const hashes = requireHashes(list, true);
  return {
    method: 'expire',
    ...signed,
    messages: hashes,
    expiry: expiries,
    shorten: shorten ?? false,
    extend: extend ?? false,
  };
}

function loadGetExpiries(d: JsonObject): GetExpiriesRequest {
  const messages = readStringArray(d, 'messages');
  const fields = readSignedFields(d);
  const timestamp = readTimestamp(d, 'timestamp');
  const signed = loadSigned(fields);
  const ts = requireField('timestamp', timestamp);
  // The server does not check the form of these hashes; unknown ones are simply not found.
  return { method: 'get_expiries', ...signed, timestamp: ts, messages: requireHashes(messages, false) };
}

function loadGetSwarm(d: JsonObject): GetSwarmRequest {
  const pubKeyAlias = readString(d, 'pubKey');
  const pubkey = readString(d, 'pubkey');
  const pk = eitherAlias('pubkey', pubkey, 'pubKey', pubKeyAlias);
  try {
    return { method: 'get_swarm', account: loadAccountKey(pk) };
  } catch (err) {
    // get_swarm words this error slightly differently from the other methods.
    if (err instanceof ParamError) throw new ParamError('Pubkey must be 66 hex digits/33 bytes long');
    throw err;
  }
}

function loadOxendRequest(d: JsonObject): OxendRequest {
  const endpoint = requireField('endpoint', readString(d, 'endpoint'));
  if (endpoint !== 'get_service_nodes' && endpoint !== 'ons_resolve') {
    throw new ParamError(`Invalid oxend endpoint '${endpoint}'`);
  }
  const params = Object.hasOwn(d, 'params') ? d.params : undefined;
  return params === undefined || params === null ? { method: 'oxend_request', endpoint } : { method: 'oxend_request', endpoint, params };
}

function loadBatch(method: 'batch' | 'sequence', d: JsonObject): BatchRequest {
  const list = Object.hasOwn(d, 'requests') ? d.requests : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ParamError('Invalid batch request: no valid "requests" field');
  }
  if (list.length > BATCH_REQUEST_MAX) throw new ParamError('Invalid batch request: subrequest limit exceeded');
  const requests: SubRequest[] = [];
  for (const entry of list) {
    if (!isJsonObject(entry)) throw new ParamError('Invalid batch request: requests must be objects');
    const sub = Object.hasOwn(entry, 'method') ? entry.method : undefined;
    const params = Object.hasOwn(entry, 'params') ? entry.params : undefined;
    if (typeof sub !== 'string' || !isJsonObject(params)) {
      throw new ParamError('Invalid batch request: subrequests must have method/params keys');
    }
    if (!isKnownMethod(sub)) throw new ParamError(`Invalid batch subrequest: invalid method "${sub}"`);
    // The server loads the sub-request before it checks that it is not a meta-request.
    const loaded = loadRequest(sub, params);
    if (!isSubRequest(loaded)) {
      throw new ParamError('Invalid batch subrequest: subrequests may not contain meta-requests');
    }
    requests.push(loaded);
  }
  return { method, requests };
}

function isSubRequest(request: ClientRequest): request is SubRequest {
  return request.method !== 'batch' && request.method !== 'sequence' && request.method !== 'ifelse';
}

function loadIfElse(d: JsonObject): IfElseRequest {
  const cond = Object.hasOwn(d, 'if') ? d.if : undefined;
  if (!isJsonObject(cond)) throw new ParamError('Invalid ifelse request: no valid "if" field');
  const heightAtLeast = readInt(cond, 'height_at_least');
  const heightBefore = readInt(cond, 'height_before');
  const hfAtLeast = nonEmpty(readIntArray(cond, 'hf_at_least'));
  const hfBefore = nonEmpty(readIntArray(cond, 'hf_before'));
  const vAtLeast = nonEmpty(readIntArray(cond, 'v_at_least'));
  const vBefore = nonEmpty(readIntArray(cond, 'v_before'));
  const condition: IfElseCondition = { heightAtLeast, heightBefore, hfAtLeast, hfBefore, vAtLeast, vBefore };
  if (Object.values(condition).every((v) => v === undefined)) {
    throw new ParamError('Invalid ifelse request: must specify at least one "if" condition');
  }
  const then = loadBranch(d, 'then');
  const otherwise = loadBranch(d, 'else');
  if (then === undefined && otherwise === undefined) {
    throw new ParamError('Invalid ifelse request: at least one of "then"/"else" required');
  }
  return {
    method: 'ifelse',
    condition,
    ...(then ? { then } : {}),
    ...(otherwise ? { else: otherwise } : {}),
  };
}

function nonEmpty(list: number[] | undefined): number[] | undefined {
  return list === undefined || list.length === 0 ? undefined : list;
}

function loadBranch(d: JsonObject, key: 'then' | 'else'): ClientRequest | undefined {
  if (!Object.hasOwn(d, key)) return undefined;
  const branch = d[key];
  if (!isJsonObject(branch)) throw new ParamError(`Invalid ifelse request: ${key} must be an object`);
  const method = Object.hasOwn(branch, 'method') ? branch.method : undefined;
  if (typeof method !== 'string' || !Object.hasOwn(branch, 'params')) {
    throw new ParamError(`Invalid ifelse request: ${key} must have method/params keys`);
  }
  // The server's message names the branch, not the method.
  if (!isKnownMethod(method)) throw new ParamError(`Invalid ifelse request method "${key}"`);
  return loadRequest(method, branch.params);
}
