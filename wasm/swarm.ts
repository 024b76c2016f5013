/**
 * Which swarm stores an account (network-protocol.md §2): the account key folds to a 64-bit
 * "swarm space" value, and the swarm with the nearest id on the 2^64 ring takes it. Swarm ids are
 * u64, so everything here is BigInt.
 */
import { accountPubkeyBytes } from './account-pubkey.ts';
import { checkString } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';

const U64_MODULUS = 1n << 64n;
const U64_MAX = U64_MODULUS - 1n;

/** The id a node reports when it is in no swarm; never a real swarm. */
export const INVALID_SWARM_ID = U64_MAX;

/** XOR of the four big-endian u64 words of the 32 key bytes (the network-id byte is skipped). */
export function swarmSpaceValue(pubkey: string | Uint8Array): bigint {
  const key = accountPubkeyBytes(pubkey, 'pubkey');
  const words = new DataView(key.buffer, key.byteOffset + 1, 32);
  let value = 0n;
  for (let offset = 0; offset < 32; offset += 8) value ^= words.getBigUint64(offset, false);
  return value;
}

/**
 * The swarm that stores `pubkey`, as a service node decides it: the first id at or above the value
 * (wrapping to the lowest) is "right", the one below it (wrapping to the highest) is "left", and
 * right wins only when strictly closer on the ring, so a tie goes left. `INVALID_SWARM_ID` entries
 * are ignored; a list with no real swarm is an error.
 */
export function nearestSwarm(swarmIds: readonly bigint[], pubkey: string | Uint8Array): bigint {
  const sorted = realSwarms(swarmIds);
  const value = swarmSpaceValue(pubkey);
  const only = sorted[0];
  if (only === undefined) {
    throw new ParleyError('invalid_argument', 'swarmIds holds no real swarm', { param: 'swarmIds', problem: 'empty' });
  }
  if (sorted.length === 1) return only;

  let rightIndex = sorted.findIndex((id) => id >= value);
  if (rightIndex === -1) rightIndex = 0;
  const right = sorted[rightIndex]!;
  const left = sorted[(rightIndex + sorted.length - 1) % sorted.length]!;
  const toRight = (right - value + U64_MODULUS) % U64_MODULUS;
  const toLeft = (value - left + U64_MODULUS) % U64_MODULUS;
  return toRight < toLeft ? right : left;
}

/** Parses the swarm id of a get_swarm reply: hex without "0x", 1–16 digits (replies use lowercase, unpadded). */
export function parseSwarmId(text: string): bigint {
  checkString(text, 'text');
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) {
    throw new ParleyError('invalid_argument', 'text is not a swarm id (1 to 16 hex digits)', {
      param: 'text',
      problem: 'encoding',
    });
  }
  return BigInt('0x' + text);
}

/** The get_swarm form of a swarm id: lowercase hex, not zero-padded ("ffffffffffffffff" for none). */
export function formatSwarmId(id: bigint): string {
  checkU64(id, 'id');
  return id.toString(16);
}

function realSwarms(swarmIds: unknown): bigint[] {
  if (!Array.isArray(swarmIds)) {
    throw new ParleyError('invalid_argument', 'swarmIds must be an array of bigint', {
      param: 'swarmIds',
      problem: 'type',
    });
  }
  swarmIds.forEach((id, i) => checkU64(id, `swarmIds[${i}]`));
  return (swarmIds as bigint[]).filter((id) => id !== INVALID_SWARM_ID).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkU64(value: unknown, name: string): asserts value is bigint {
  if (typeof value !== 'bigint') {
    throw new ParleyError('invalid_argument', `${name} must be a bigint`, { param: name, problem: 'type' });
  }
  if (value < 0n || value > U64_MAX) {
    throw new ParleyError('invalid_argument', `${name} must be within [0, 2^64 - 1]`, { param: name, problem: 'range' });
  }
}
