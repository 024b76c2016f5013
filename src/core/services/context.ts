/**
 * What every service of the core is given: the database, the network, the unlocked account, the
 * event bus, a clock and a log. Built once by core.ts; services never reach for globals.
 */
import type { Network } from '../net/network.ts';
import type { ParleyDB } from '../store/index.ts';
import type { AccountSession } from './account-session.ts';
import type { CoreEvents } from './events.ts';

export interface CoreContext {
  readonly db: ParleyDB;
  readonly network: Network;
  readonly session: AccountSession;
  readonly events: CoreEvents;
  /** Device time (ms). Protocol timestamps use `network.time.now()` instead. */
  readonly clock: () => number;
  /** One line per event; never keys, phrases, bodies or full Session IDs. */
  readonly log: (line: string) => void;
}
