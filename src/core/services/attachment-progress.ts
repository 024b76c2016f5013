/**
 * A transfer's progress as `attachment_progress` events (uploads and downloads alike): the first
 * report always goes out (an upload's 0 clears a percentage left from an earlier attempt), then
 * only steps of at least 5 %, and the end (1) always — so a 10 MB file is tens of events, not a
 * thousand, whatever the platform reports.
 */
import type { CoreContext } from './context.ts';

export const PROGRESS_STEP = 0.05;

export function progressReporter(ctx: Pick<CoreContext, 'events'>, messageId: number, index: number): (fraction: number) => void {
  let last: number | undefined;
  return (fraction) => {
    if (last !== undefined && fraction < 1 && fraction - last < PROGRESS_STEP) return;
    if (last === 1 && fraction === 1) return;
    last = fraction;
    ctx.events.emit({ type: 'attachment_progress', messageId, index, progress: fraction });
  };
}
