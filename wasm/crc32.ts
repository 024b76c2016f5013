import { checkBytes } from './check.ts';

/**
 * CRC-32 as zlib and IEEE 802.3 define it (reflected, polynomial 0xEDB88320, initial value and
 * final XOR 0xFFFFFFFF). The recovery phrase's checksum word is chosen with it. It detects typos;
 * it is no cryptographic hash.
 */

const POLYNOMIAL = 0xedb88320;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** The unsigned CRC-32 of `bytes`, in [0, 2^32). */
export function crc32(bytes: Uint8Array): number {
  checkBytes(bytes, 'bytes');
  const t = crcTable();
  let crc = 0xffffffff;
  for (const byte of bytes) crc = t[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
