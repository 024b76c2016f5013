/**
 * Where a Core API call made in this tab runs (call-policy.ts): on this worker's own Core when it
 * leads, else forwarded to the leading tab — except calls that carry a phrase or a passphrase,
 * which only a leading tab runs. A follower refuses those with `secret_needs_leader_tab` rather
 * than put the secret on the tabs' channel. (Local calls — pure checks, subscriptions — never get
 * here: the worker answers them itself.)
 */
import { isParleyError, ParleyError } from '../shared/errors.ts';
import type { CoreApi } from './api.ts';
import { callPolicy } from './call-policy.ts';
import type { ForwardingClient } from './tab-forwarding.ts';

export interface TabRouterOptions {
  readonly follower: Pick<ForwardingClient, 'call' | 'leaderKnown'>;
  /** This worker's own Core once it leads (set the moment it wins the lock), else undefined. */
  readonly leading: () => Promise<object> | undefined;
  /** Resolves when this worker wins the leader lock (maybe never). */
  readonly leadershipWon: Promise<void>;
  /** How long a secret-carrying call waits to learn whether this tab leads (a tab's very first call may come before). */
  readonly roleTimeoutMs: number;
}

export class TabRouter {
  constructor(private readonly options: TabRouterOptions) {}

  async call(method: keyof CoreApi, args: unknown[]): Promise<unknown> {
    const policy = callPolicy(method);
    if (policy === 'local' || policy === undefined) {
      throw new ParleyError('invalid_argument', `${method} is answered by the tab itself`, { param: 'method', problem: 'value' });
    }
    if (policy === 'leader_only') return this.leaderOnly(method, args);
    if (this.options.leading() !== undefined) return this.local(method, args);
    try {
      return await this.options.follower.call(method, args);
    } catch (error) {
      // This tab took the lead while the call waited: run it here, unless the old leader may have run it already.
      if (this.options.leading() !== undefined && isParleyError(error, 'leader_unavailable') && error.details['repeatable'] === true) {
        return this.local(method, args);
      }
      throw error;
    }
  }

  private async leaderOnly(method: keyof CoreApi, args: unknown[]): Promise<unknown> {
    if (this.options.leading() === undefined) await this.roleKnown();
    if (this.options.leading() !== undefined) return this.local(method, args);
    throw new ParleyError('secret_needs_leader_tab', `${method} carries a secret and runs only in the tab that runs the engine`, { method });
  }

  /** Until this tab either leads or has heard from the tab that does. */
  private async roleKnown(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ParleyError('leader_unavailable', 'no tab runs the engine yet')), this.options.roleTimeoutMs);
    });
    try {
      await Promise.race([this.options.leadershipWon, this.options.follower.leaderKnown(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async local(method: keyof CoreApi, args: unknown[]): Promise<unknown> {
    const core = (await this.options.leading()!) as Record<string, unknown>;
    return (core[method] as (...a: unknown[]) => unknown).apply(core, args);
  }
}
