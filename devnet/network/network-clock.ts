/**
 * The devnet's clock and chain height. Tests may shift the clock (to expire messages, or to make
 * clients' timestamps look skewed); the height follows the shifted clock at one block per
 * 2 minutes from the devnet's start, and never goes backwards.
 */
import { checkInteger } from '../../wasm/check.ts';
import { BLOCK_TIME_MS, DEVNET_START_HEIGHT } from './constants.ts';

export class NetworkClock {
  private offsetMs = 0;
  private readonly startedAt = Date.now();
  private highestHeight = DEVNET_START_HEIGHT;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get clockOffsetMs(): number {
    return this.offsetMs;
  }

  setClockOffset(ms: number): void {
    checkInteger(ms, 'clockOffsetMs');
    this.offsetMs = ms;
  }

  height(): number {
    const sinceStart = Math.max(0, this.now() - this.startedAt);
    this.highestHeight = Math.max(this.highestHeight, DEVNET_START_HEIGHT + Math.floor(sinceStart / BLOCK_TIME_MS));
    return this.highestHeight;
  }
}
