/**
 * Reads the frame of a body posted to `/onion_req/v2` — `[u32le N][N bytes]{json}` — with the
 * storage server's checks and error texts (SS `parse_combined_payload`, `process_onion_req_v2`):
 * any fault becomes 400 "Error parsing onion request: <what>". The <what> mirrors SS's exception
 * texts (its own for sizes and keys, nlohmann's for JSON faults; the JSON parse-error position is
 * exact only for an empty trailer). The decryption itself is wasm/onion's peelLayer.
 */
export interface OuterFrame {
  readonly blob: Uint8Array;
  readonly ephemeralKeyHex: string;
  /** The wire value, validated: aes-gcm, gcm, xchacha20, xchacha20-poly1305, aes-cbc or cbc. */
  readonly encType: string;
  /** As sent; the caller applies the entry's rule (HTTPS: max(0, n); relayed: max(1, n)). */
  readonly hopNo: number | undefined;
}

export class OuterFrameError extends Error {}

const ENC_TYPES = new Set(['aes-gcm', 'gcm', 'xchacha20', 'xchacha20-poly1305', 'aes-cbc', 'cbc']);

export function readOuterFrame(body: Uint8Array): OuterFrame {
  if (body.length < 4) throw new OuterFrameError('Unexpected payload size; expected ciphertext size');
  const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true);
  const rest = body.length - 4;
  if (rest < length) throw new OuterFrameError(`Unexpected payload size ${rest}, expected >= ${length}`);
  const blob = body.slice(4, 4 + length);
  const trailer = parseTrailer(body.subarray(4 + length));

  if (typeof trailer !== 'object' || trailer === null || Array.isArray(trailer)) {
    throw new OuterFrameError(`[json.exception.type_error.304] cannot use at() with ${typeName(trailer)}`);
  }
  const fields = trailer as Record<string, unknown>;
  if (!Object.hasOwn(fields, 'ephemeral_key')) {
    throw new OuterFrameError("[json.exception.out_of_range.403] key 'ephemeral_key' not found");
  }
  const ephemeralKeyHex = stringField(fields['ephemeral_key']);
  checkKeyHex(ephemeralKeyHex);

  let encType = 'aes-gcm';
  if (Object.hasOwn(fields, 'enc_type')) {
    encType = stringField(fields['enc_type']);
    if (!ENC_TYPES.has(encType)) throw new OuterFrameError(`Invalid encryption type ${encType}`);
  }

  let hopNo: number | undefined;
  if (Object.hasOwn(fields, 'hop_no')) {
    const value = fields['hop_no'];
    if (typeof value !== 'number') {
      throw new OuterFrameError(`[json.exception.type_error.302] type must be number, but is ${typeName(value)}`);
    }
    hopNo = Number.isFinite(value) ? Math.trunc(value) : 0;
  }
  return { blob, ephemeralKeyHex: ephemeralKeyHex.toLowerCase(), encType, hopNo };
}

function parseTrailer(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OuterFrameError('[json.exception.parse_error.101] parse error: syntax error while parsing value - invalid string: ill-formed UTF-8 byte');
  }
  if (text.trim() === '') {
    throw new OuterFrameError(
      "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal",
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new OuterFrameError('[json.exception.parse_error.101] parse error: syntax error while parsing value');
  }
}

function stringField(value: unknown): string {
  if (typeof value !== 'string') {
    throw new OuterFrameError(`[json.exception.type_error.303] incompatible ReferenceType for get_ref, actual type is ${typeName(value)}`);
  }
  return value;
}

/** SS `load_from_hex`: even-length hex first, then exactly 32 bytes' worth. */
function checkKeyHex(hex: string): void {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new OuterFrameError('Hex key data is invalid: data is not hex');
  if (hex.length !== 64) throw new OuterFrameError(`Hex key data is invalid: expected 32 hex digits, received ${hex.length}`);
}

/** nlohmann::json::type_name(). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    default:
      return 'discarded';
  }
}

