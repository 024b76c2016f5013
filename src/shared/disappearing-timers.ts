/**
 * The disappearing-message timers Session offers (client-protocol.md §8, desktop timerOptions.ts),
 * in seconds: shared by the core (which refuses any other) and the UI (which offers these).
 */
export type DisappearingModeName = 'after_send' | 'after_read';

export const TIMER_OPTIONS: { readonly [M in DisappearingModeName]: readonly number[] } = {
  after_read: [300, 3_600, 43_200, 86_400, 604_800, 1_209_600],
  after_send: [43_200, 86_400, 604_800, 1_209_600],
};

/** Session's defaults when a mode is first chosen. */
export const DEFAULT_TIMER: { readonly [M in DisappearingModeName]: number } = { after_read: 43_200, after_send: 86_400 };

/**
 * Short timers Session's own dev builds add (§8). Accepted and offered only on the devnet (tests,
 * development); never on mainnet.
 */
export const DEV_TIMER_OPTIONS: readonly number[] = [10, 30, 60];
