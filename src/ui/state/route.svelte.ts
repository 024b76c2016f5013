/**
 * The live route: the location hash, parsed (routes.ts documents every route). Moving is a hash
 * change, so the browser keeps the history; `replace` swaps the current entry (the guards use it).
 * The last app route is remembered, so that the installed app, which always opens its start URL,
 * reopens where the person was.
 */
import { formatRoute, parseHash, resumeRoute, routeToRemember, type Route } from './routes.ts';

/** localStorage key of the last app route shown (a route such as `#/settings`; nothing secret). */
const LAST_ROUTE_KEY = 'parley.lastRoute';

export class RouteState {
  current = $state<Route>(parseHash(window.location.hash));
  /** True once the person has moved within the app, so that a Back button may use the history. */
  #moved = false;

  constructor() {
    const resumed = resumeRoute(window.location.hash, readLocal(LAST_ROUTE_KEY));
    if (resumed !== null) this.replace(resumed);
    window.addEventListener('hashchange', () => {
      this.#show(parseHash(window.location.hash));
    });
  }

  /** Goes to a route, adding a history entry (Back returns). */
  go(route: Route): void {
    const hash = formatRoute(route);
    if (hash === formatRoute(this.current) && hash === window.location.hash) return;
    window.location.hash = hash;
    this.#show(parseHash(hash));
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
    this.#show(route);
  }

  /** Forgets the remembered route (the account is gone: its conversations must not be reopened). */
  forget(): void {
    try {
      window.localStorage.removeItem(LAST_ROUTE_KEY);
    } catch {
      // storage blocked: nothing was remembered
    }
  }

  #show(route: Route): void {
    this.current = route;
    const remember = routeToRemember(route);
    if (remember === null) return;
    try {
      window.localStorage.setItem(LAST_ROUTE_KEY, remember);
    } catch {
      // storage blocked or full: the app opens at home next time
    }
  }
}

function readLocal(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
