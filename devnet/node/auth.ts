/**
 * Request-signature checks as a service node makes them. A `05` account (an X25519 key) signs
 * with its Ed25519 key and sends it as `pubkey_ed25519`; the node checks that it converts to the
 * account's X25519 key. Other accounts (e.g. `03` groups) are Ed25519 keys and verify directly.
 */
import { ed25519ToX25519PublicKey } from '../../wasm/identity.ts';
import { type SignedRequest, verifyRequestSignature } from '../../wasm/storage.ts';
import type { AccountKey, Auth } from './params.ts';

export function verifyAuth(account: AccountKey, auth: Auth, request: SignedRequest): boolean {
  // Subaccount tokens (group members acting for a group) are not implemented: never accepted.
  if (auth.subaccount !== undefined) return false;
  let signer = account.key;
  if (account.type === 5 && auth.pubkeyEd25519 !== undefined) {
    if (!convertsTo(auth.pubkeyEd25519, account.key)) return false;
    signer = auth.pubkeyEd25519;
  }
  try {
    return verifyRequestSignature(request, auth.signature, signer);
  } catch {
    // A request the signature helper cannot even express (e.g. an unsafe integer) is unsigned.
    return false;
  }
}

function convertsTo(ed25519: Uint8Array, x25519: Uint8Array): boolean {
  let converted: Uint8Array;
  try {
    converted = ed25519ToX25519PublicKey(ed25519);
  } catch {
    return false;
  }
  return converted.length === x25519.length && converted.every((b, i) => b === x25519[i]);
}
