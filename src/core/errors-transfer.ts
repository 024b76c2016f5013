/**
 * Carries ParleyError across the worker boundary with its code intact.
 *
 * Comlink serialises every thrown value through its built-in "throw" transfer handler, which keeps
 * only name, message and stack. We replace that one handler (same name, same place in Comlink's
 * handler list) with one that sends a ParleyError as plain data {code, message, details} and
 * rebuilds it on the other side, and defers to the built-in handler for everything else.
 *
 * Imported by both the UI (DOM lib) and the worker (WebWorker lib): keep it lib-neutral, touching
 * nothing but Comlink, src/shared/errors.ts and plain objects.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { ParleyError, type WireParleyError } from '../shared/errors.ts';

export type { WireParleyError };

export function serializeParleyError(error: ParleyError): WireParleyError {
  return { parleyError: true, code: error.code, message: error.message, details: { ...error.details } };
}

export function isWireParleyError(value: unknown): value is WireParleyError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['parleyError'] === true &&
    typeof v['code'] === 'string' &&
    typeof v['message'] === 'string' &&
    typeof v['details'] === 'object' &&
    v['details'] !== null
  );
}

export function deserializeParleyError(wire: WireParleyError): ParleyError {
  return new ParleyError(wire.code, wire.message, { ...wire.details });
}

const THROW_HANDLER = 'throw';
let registered = false;

/** Installs the handler once per realm (call it at start-up on both sides of the boundary). */
export function registerErrorTransfer(): void {
  if (registered) return;
  const builtIn = transferHandlers.get(THROW_HANDLER);
  if (builtIn === undefined) throw new Error('Comlink has no built-in "throw" transfer handler');
  const handler: TransferHandler<unknown, unknown> = {
    canHandle: (value): value is unknown => builtIn.canHandle(value),
    serialize(thrown) {
      // Comlink hands us its wrapper { value, [throwMarker] }; the thrown value is `value`.
      const value = (thrown as { value?: unknown }).value;
      if (value instanceof ParleyError) return [serializeParleyError(value), []];
      return builtIn.serialize(thrown);
    },
    deserialize(serialized) {
      if (isWireParleyError(serialized)) throw deserializeParleyError(serialized);
      return builtIn.deserialize(serialized);
    },
  };
  transferHandlers.set(THROW_HANDLER, handler);
  registered = true;
}
