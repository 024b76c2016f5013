/**
 * Test helper (imported only by tests): a §6.2 deterministic-scheme blob built with libsodium's
 * secretstream push, as libsession's encoder lays it out: 'S', the header, 32 KiB chunks, TAG_FINAL
 * on the last; the stream begins with `paddingZeros` 0x00 bytes and one 0x01. The options break it
 * on purpose for the refusal tests.
 */
import { sodium } from '../wasm/sodium.ts';

export interface BrokenBlobOptions {
  /** false: the last chunk carries TAG_MESSAGE. */
  readonly finalTag?: boolean;
  /** false: no 0x01 after the zeros. */
  readonly marker?: boolean;
  /** true: one more chunk after the final one. */
  readonly extraChunkAfterFinal?: boolean;
}

export function deterministicBlob(content: Uint8Array, key: Uint8Array, paddingZeros: number, options: BrokenBlobOptions = {}): Uint8Array {
  const s = sodium();
  const marker = options.marker === false ? [] : [0x01];
  const stream = new Uint8Array([...new Uint8Array(paddingZeros), ...marker, ...content]);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts: Uint8Array[] = [new Uint8Array([0x53]), header];
  const chunk = 32_768;
  for (let at = 0; at === 0 || at < stream.length; at += chunk) {
    const last = at + chunk >= stream.length;
    const finalTag = last && options.finalTag !== false && !options.extraChunkAfterFinal;
    const tag = finalTag || (options.extraChunkAfterFinal && at === 0)
      ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    parts.push(s.crypto_secretstream_xchacha20poly1305_push(state, stream.subarray(at, at + chunk), null, tag));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
