/**
 * The core's event bus: services emit, the Core API's subscribers listen. A listener that throws
 * (e.g. a Comlink proxy to a closed tab) is dropped, never allowed to break the emitter.
 */
import type { CoreEvent, CoreListener } from '../api.ts';

export class CoreEvents {
  private readonly listeners = new Map<number, CoreListener>();
  private nextId = 1;

  subscribe(listener: CoreListener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  emit(event: CoreEvent): void {
    for (const [id, listener] of this.listeners) {
      try {
        const result: unknown = listener(event);
        if (result instanceof Promise) result.catch(() => this.listeners.delete(id));
      } catch {
        this.listeners.delete(id);
      }
    }
  }
}
