/**
 * The wait after too many wrong passphrases, counted down live on the screen that asked
 * (Unlock, Account's reveal, Settings' change and remove). The core says how long to wait in the
 * error's `details.retryAfterMs` (`too_many_attempts`, or the `wrong_passphrase` that started the
 * wait); the screen disables its button until the count reaches zero. Create it while a component
 * initialises: its ticking stops with the component.
 */
import { isParleyError } from '../../shared/errors.ts';
import { formatWait } from '../strings.ts';

/** How long the error says to wait, or null when it carries no wait. */
export function retryAfterOf(error: unknown): number | null {
  if (!isParleyError(error) || (error.code !== 'too_many_attempts' && error.code !== 'wrong_passphrase')) return null;
  const wait = error.details['retryAfterMs'];
  return typeof wait === 'number' && wait > 0 ? wait : null;
}

export class PassphraseWait {
  #until = $state(0);
  #now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | undefined;

  readonly remainingMs = $derived(Math.max(0, this.#until - this.#now));
  readonly waiting = $derived(this.remainingMs > 0);
  /** "4:59" */
  readonly left = $derived(formatWait(this.remainingMs));

  /** `ended` runs when a wait reaches zero (the screen clears the sentence that announced it). */
  readonly #ended: () => void;

  constructor(ended: () => void = () => undefined) {
    this.#ended = ended;
    $effect(() => () => this.#stop());
  }

  /** Starts counting down when `error` carries a wait; says whether it did. */
  startFrom(error: unknown): boolean {
    const wait = retryAfterOf(error);
    if (wait === null) return false;
    this.startFor(wait);
    return true;
  }

  /** Counts down `waitMs` (nothing when it is 0): a wait the account view reported when the screen opened. */
  startFor(waitMs: number): void {
    if (waitMs <= 0) return;
    this.#now = Date.now();
    this.#until = this.#now + waitMs;
    this.#stop();
    this.#timer = setInterval(() => {
      this.#now = Date.now();
      if (this.#now < this.#until) return;
      this.#stop();
      this.#ended();
    }, 250);
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
