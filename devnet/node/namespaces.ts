/**
 * Namespace classes (session-storage-server `common/namespace.h`): who may store and who may read
 * without a signature.
 */

/** Namespaces anyone may read without a signature: legacy closed groups (-10) and public outboxes. */
export function isNoAuthRetrieveNamespace(namespace: number): boolean {
  return namespace === -10 || isPublicOutboxNamespace(namespace);
}

/** Anyone may store without a signature: every namespace divisible by 10. */
export function isPublicInboxNamespace(namespace: number): boolean {
  return namespace % 10 === 0;
}

/** Negative namespaces -(20n+1): one message at a time, publicly readable. */
export function isPublicOutboxNamespace(namespace: number): boolean {
  return namespace < 0 && -namespace % 20 === 1;
}
