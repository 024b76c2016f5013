/**
 * The service worker and its update flow. A new version installs in the background and waits;
 * the page says so, and only when the person taps Reload does the new worker take over.
 */
import { Workbox } from 'workbox-window';

export class AppUpdate {
  available = $state(false);
  #workbox: Workbox | undefined;
  #reloadRequested = false;
  #reloading = false;

  register(): void {
    // The dev server serves no service worker; in production it comes from the site root.
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    const workbox = new Workbox(`${import.meta.env.BASE_URL}sw.js`);
    workbox.addEventListener('waiting', () => {
      this.available = true;
    });
    // A page the old worker controlled hears 'controlling'; a page no worker controlled yet (the
    // very first visit) only hears the new worker become 'activated'. Reload on whichever comes first.
    workbox.addEventListener('controlling', () => this.#reloadIfRequested());
    workbox.addEventListener('activated', () => this.#reloadIfRequested());
    this.#workbox = workbox;
    workbox.register().catch((error: unknown) => {
      console.warn('service worker registration failed; the app works, but not offline', error);
    });
  }

  #reloadIfRequested(): void {
    if (!this.#reloadRequested || this.#reloading) return;
    this.#reloading = true;
    window.location.reload();
  }

  reload(): void {
    this.#reloadRequested = true;
    // Sends {type: 'SKIP_WAITING'} to the waiting worker; once it takes over, the page reloads.
    this.#workbox?.messageSkipWaiting();
  }
}
