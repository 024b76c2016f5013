/**
 * The storage network's limits the client relies on (network-protocol.md §3.2, §3.4; the storage
 * server's `request_handler.h`), and the bounds Parley puts on what an untrusted node may make it
 * keep or parse (docs/core.md "Bounds on what nodes send"). One place, so the client's caps and the
 * server's limits they derive from are read side by side.
 */

const DAY_MS = 24 * 60 * 60_000;

/** The longest TTL a store to a public inbox (namespace 0, our 1:1 mail) may ask: 14 days. */
export const PUBLIC_INBOX_TTL_MAX_MS = 14 * DAY_MS;

/** A message's data: at most 76 800 raw bytes, i.e. 102 400 base64 characters in JSON. */
export const MAX_MESSAGE_DATA_BASE64 = 102_400;

/** batch/sequence take at most 20 sub-requests. */
export const MAX_SUBREQUESTS = 20;

/**
 * The data of several stores sent in one `sequence` (the outbox's batches), in base64 characters
 * together: two of the largest messages. With 20 stores' JSON (~250 bytes each) and four onion
 * layers (~250 bytes each) such a request stays under the relay's body cap for onion requests
 * (MAX_ONION_REQUEST_BYTES, 256 KiB; storage-limits.test.ts builds one). One message alone may
 * always be sent, whatever its size.
 */
export const MAX_STORE_SEQUENCE_DATA = 2 * MAX_MESSAGE_DATA_BASE64;

/**
 * At most this many messages per retrieve: sent as `max_count`, so an honest node answers no more
 * (and says `more`); whatever a node sends beyond it is refused unread. The server itself bounds an
 * answer by size only (1/5 of 7.8 MB by default, so thousands of small messages); 500 keeps one
 * poll's work small, and a backlog comes in several polls that follow each other at once.
 */
export const RETRIEVE_MAX_COUNT = 500;

/**
 * The largest onion answer the client reads (bytes as the relay hands them over, before any
 * decoding): the storage network's largest message, 10 MiB. The server sizes its retrieve cap
 * (7.8 MB, before the reply's encryption and base64) to fit under it, so an honest answer is never
 * refused; the relay's own cap (16 MiB) is looser.
 */
export const MAX_SNODE_REPLY_BYTES = 10 * 1024 * 1024;

/**
 * Seen hashes (and the last hash per node) outlive their message in the swarm a little, so a clock
 * between ours and the swarm's, or a message seen on a node that has not deleted it yet, never
 * comes back as new.
 */
export const SEEN_HASH_MARGIN_MS = DAY_MS;

/**
 * Until when to keep a record about a swarm message whose expiry a node claimed (`expiration`, or
 * the `t` of a store plus its TTL): no earlier than now and no later than now + the longest TTL of a
 * namespace-0 store, plus the margin. A node cannot make the client keep a record for years, nor
 * drop it at once; a claim that is not a whole number of milliseconds counts as the longest.
 */
export function boundedExpiry(claimed: number, now: number): number {
  const latest = now + PUBLIC_INBOX_TTL_MAX_MS;
  const expiry = Number.isSafeInteger(claimed) ? Math.min(Math.max(claimed, now), latest) : latest;
  return expiry + SEEN_HASH_MARGIN_MS;
}
