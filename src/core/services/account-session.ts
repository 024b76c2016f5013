/**
 * The unlocked account in memory: the one place the core keeps secret keys while it runs. Services
 * ask for the identity when they need it and get a coded error when there is none or it is locked.
 */
import { ParleyError } from '../../shared/errors.ts';
import { wipeIdentity, type Identity } from '../../../wasm/identity.ts';

export type SessionState = { readonly kind: 'none' } | { readonly kind: 'locked'; readonly sessionId: string } | { readonly kind: 'unlocked'; readonly identity: Identity };

export class AccountSession {
  private state: SessionState = { kind: 'none' };
  private readonly listeners = new Set<(state: SessionState) => void>();

  get current(): SessionState {
    return this.state;
  }

  /** The unlocked identity, or `no_account` / `account_locked`. */
  identity(): Identity {
    if (this.state.kind === 'unlocked') return this.state.identity;
    if (this.state.kind === 'locked') throw new ParleyError('account_locked', 'the account is locked: unlock it with its passphrase');
    throw new ParleyError('no_account', 'there is no account on this device');
  }

  unlocked(identity: Identity): void {
    this.replace({ kind: 'unlocked', identity });
  }

  locked(sessionId: string): void {
    this.replace({ kind: 'locked', sessionId });
  }

  cleared(): void {
    this.replace({ kind: 'none' });
  }

  /** Called with every new state (e.g. the engine starts on 'unlocked' and stops otherwise). */
  onChange(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replace(next: SessionState): void {
    const previous = this.state;
    this.state = next;
    if (previous.kind === 'unlocked' && (next.kind !== 'unlocked' || next.identity !== previous.identity)) {
      wipeIdentity(previous.identity);
    }
    for (const listener of this.listeners) listener(next);
  }
}
