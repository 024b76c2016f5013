import type { Migration } from './types.ts';

/** Version 2: what the network layer keeps between sessions (net/types.ts `NetStore`). */
export const migration002Network: Migration = (db) => {
  db.createObjectStore('netPool', { keyPath: 'ed25519Hex' });
  db.createObjectStore('netPaths', { keyPath: 'index' });
  db.createObjectStore('swarms', { keyPath: 'pubkey' });
  // retrieve's last_hash is tracked per (snode, pubkey, namespace) (network-protocol.md §5.1).
  const lastHashes = db.createObjectStore('lastHashes', { keyPath: ['nodeEd25519Hex', 'pubkey', 'namespace'] });
  lastHashes.createIndex('by-expiresAt', 'expiresAt');
};
