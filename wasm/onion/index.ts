/** Onion requests (network-protocol.md §4): the client builds and reads, the devnet peels and answers. */
export {
  AES_GCM_IV_BYTES,
  KEY_BYTES,
  TAG_BYTES,
  XCHACHA20_NONCE_BYTES,
  checkEncType,
  decrypt,
  decryptReply,
  deriveClientKey,
  deriveNodeKey,
  encTypeFromWire,
  encrypt,
  encryptionOverhead,
  ivLength,
  type EncType,
} from './hop-encryption.ts';
export { encodeLayer, parseLayer, type ParsedLayer, type Trailer } from './layer.ts';
export { isAllowedProxyTarget, type ProxyTarget } from './routing.ts';
export {
  buildOnionRequest,
  decryptSnodeReply,
  decryptV4Reply,
  type BuildOnionOptions,
  type BuiltOnion,
  type DeterministicOnionInputs,
  type OnionDestination,
  type OnionHop,
  type SnodeReply,
} from './build.ts';
export {
  encodeRelayBody,
  encryptSnodeReply,
  peelLayer,
  peelOnionBody,
  type DestinationPeel,
  type HopRoutingInput,
  type InvalidPeel,
  type PeelResult,
  type ProxyPeel,
  type RelayPeel,
} from './peel.ts';
export { encryptV4Reply, openServerRequest, type OpenedServerRequest } from './server.ts';
export {
  decodeBencodedStrings,
  decodeV4Reply,
  decodeV4Request,
  encodeBencodedStrings,
  encodeV4Reply,
  encodeV4Request,
  type V4Headers,
  type V4Reply,
  type V4Request,
} from './v4.ts';
