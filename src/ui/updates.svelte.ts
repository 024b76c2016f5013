/**
 * The service worker and its update flow. A new version installs in the background and waits;
 * the page says so, and only when the person taps Reload does the new worker take over.
 */
import { Workbox } from 'workbox-window';

export class AppUpdate {
  available = $state(false);
  #workbox: Workbox | undefined;
  #reloadRequested = false;

  register(): void {
    // The dev server serves no service worker; in production it comes from the site root.
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    const workbox = new Workbox(`${import.meta.env.BASE_URL}sw.js`);
    workbox.addEventListener('waiting', () => {
      this.available = true;
    });
    workbox.addEventListener('controlling', () => {
      if (this.#reloadRequested) window.location.reload();
    });
    this.#workbox = workbox;
    workbox.register().catch((error: unknown) => {
      console.warn('service worker registration failed; the app works, but not offline', error);
    });
  }

  reload(): void {
    this.#reloadRequested = true;
    // Sends {type: 'SKIP_WAITING'} to the waiting worker; 'controlling' then reloads the page.
    this.#workbox?.messageSkipWaiting();
  }
}
