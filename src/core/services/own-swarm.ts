/**
 * Changes to copies in our OWN swarm (the only one our key may change, network-protocol.md §3.4):
 * delete by hash (delete for me, unsend) and shorten an expiry (delete-after-read once read).
 * Best effort: the local change has already happened and is what the person sees; a failure is
 * logged (no hash, no body) and the swarm's own TTL still ends the copy. Needs the unlocked keys.
 */
import { isParleyError } from '../../shared/errors.ts';
import type { CoreContext } from './context.ts';

export async function deleteFromOwnSwarm(ctx: CoreContext, hashes: readonly string[], signal?: AbortSignal): Promise<boolean> {
  if (hashes.length === 0) return true;
  try {
    const account = ctx.session.identity();
    await ctx.network.storage.deleteMessages(account, hashes, signal ? { signal } : {});
    return true;
  } catch (error) {
    ctx.log(`own swarm: delete of ${hashes.length} copy(ies) failed (${isParleyError(error) ? error.code : 'internal'})`);
    return false;
  }
}

export async function shortenOwnExpiry(ctx: CoreContext, hashes: readonly string[], expiry: number, signal?: AbortSignal): Promise<boolean> {
  if (hashes.length === 0) return true;
  try {
    const account = ctx.session.identity();
    // The server refuses an expiry more than 60 s in the past (§3.4): an overdue one becomes "now".
    const at = Math.max(expiry, ctx.network.time.now());
    await ctx.network.storage.shortenExpiry(account, hashes, at, signal ? { signal } : {});
    return true;
  } catch (error) {
    ctx.log(`own swarm: expire of ${hashes.length} copy(ies) failed (${isParleyError(error) ? error.code : 'internal'})`);
    return false;
  }
}
