/**
 * The live route: the location hash, parsed (routes.ts documents every route). Moving is a hash
 * change, so the browser keeps the history; `replace` swaps the current entry (the guards use it).
 */
import { formatRoute, parseHash, type Route } from './routes.ts';

export class RouteState {
  current = $state<Route>(parseHash(window.location.hash));
  /** True once the person has moved within the app, so that a Back button may use the history. */
  #moved = false;

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parseHash(window.location.hash);
    });
  }

  /** Goes to a route, adding a history entry (Back returns). */
  go(route: Route): void {
    const hash = formatRoute(route);
    if (hash === formatRoute(this.current) && hash === window.location.hash) return;
    window.location.hash = hash;
    this.current = parseHash(hash);
    this.#moved = true;
  }

  /** The in-app Back button: the previous entry if this app made it, else home. */
  back(): void {
    if (this.#moved) window.history.back();
    else this.replace({ name: 'home' });
  }

  /** Replaces the current history entry: for redirects, which Back must not undo. */
  replace(route: Route): void {
    window.history.replaceState(window.history.state, '', formatRoute(route));
    this.current = route;
  }
}
