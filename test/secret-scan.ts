/**
 * Looking for secret key material in anything: a Core API result, an event, what was written to
 * IndexedDB. Shared by the tests that prove no secret leaves where it belongs (src/core/core.test.ts,
 * src/core/keys.devnet.test.ts).
 */
import { IDBObjectStore } from 'fake-indexeddb';
import { identityFromEntropy } from '../wasm/identity.ts';
import { decodeMnemonic } from '../wasm/mnemonic.ts';

/** Every byte array, buffer and string inside `value`, flattened (an Error's message, code and details too). */
export function chunksOf(value: unknown, out: Uint8Array[] = [], seen = new Set<unknown>()): Uint8Array[] {
  if (value === null || value === undefined || seen.has(value)) return out;
  if (typeof value === 'object') seen.add(value);
  if (value instanceof Uint8Array) out.push(value);
  else if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
  else if (ArrayBuffer.isView(value)) out.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (typeof value === 'string') out.push(new TextEncoder().encode(value));
  else if (value instanceof Map) [...value].forEach((entry) => chunksOf(entry, out, seen));
  else if (value instanceof Set || Array.isArray(value)) [...value].forEach((v) => chunksOf(v, out, seen));
  else if (value instanceof Error) chunksOf({ ...value, message: value.message }, out, seen);
  else if (typeof value === 'object') Object.values(value).forEach((v) => chunksOf(v, out, seen));
  return out;
}

/**
 * Whether `value` holds any of `secrets` as raw bytes, lowercase or uppercase hex, or base64 (plain
 * or URL-safe), or holds `phrase` (when given) as text.
 */
export function holdsSecret(value: unknown, secrets: readonly Uint8Array[], phrase?: string): boolean {
  const forms = secrets.flatMap((secret) => {
    const buffer = Buffer.from(secret);
    return [buffer.toString('hex'), buffer.toString('hex').toUpperCase(), buffer.toString('base64').replace(/=+$/u, ''), buffer.toString('base64url')];
  });
  return chunksOf(value).some((chunk) => {
    const bytes = Buffer.from(chunk);
    const text = bytes.toString('latin1');
    return (
      (phrase !== undefined && text.includes(phrase)) ||
      secrets.some((secret) => bytes.indexOf(Buffer.from(secret)) !== -1) ||
      forms.some((form) => text.includes(form))
    );
  });
}

/** The secrets a recovery phrase stands for: its entropy, the Ed25519 seed and secret key, the X25519 secret key. */
export function secretsOf(phrase: string): Uint8Array[] {
  const entropy = decodeMnemonic(phrase);
  const identity = identityFromEntropy(entropy);
  return [entropy, identity.ed25519Seed, identity.ed25519SecretKey, identity.x25519SecretKey];
}

/**
 * Watches every value written to any fake-indexeddb store (put and add), as structured clone
 * will store it: what reaches "disk" at any step, not only what is left at the end.
 */
export function recordWrites(): { values: unknown[]; stop(): void } {
  const values: unknown[] = [];
  const proto = IDBObjectStore.prototype as unknown as Record<'put' | 'add', (...args: unknown[]) => unknown>;
  const originals = { put: proto.put, add: proto.add };
  for (const name of ['put', 'add'] as const) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      values.push(structuredClone(args[0]));
      return originals[name].apply(this, args);
    };
  }
  return {
    values,
    stop() {
      proto.put = originals.put;
      proto.add = originals.add;
    },
  };
}
