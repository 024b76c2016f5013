/**
 * Where the person is, named by the URL's hash, so that reload, back and forward, and an installed
 * app reopening (the service worker serves index.html for every path) all return to the same place,
 * offline too. Hash routes need nothing from the server.
 *
 *   #/welcome            no account yet: what Parley is, create or restore
 *   #/create             a new account: the recovery phrase, its confirmation, name and passphrase
 *   #/restore            an account from its recovery phrase
 *   #/unlock?to=<path>   the seed is locked; `to` is where to go once unlocked (an app route)
 *   #/                   home: the conversation list (and, on wide screens, an empty detail pane)
 *   #/new                start a conversation with a Session ID
 *   #/c/<sessionId>      one conversation (the peer's Session ID, hex)
 *   #/account            My account: Session ID, QR code, display name, recovery phrase
 *   #/settings           passphrase, lock, network, notifications, clear data, about
 *   #/network            the onion path view
 *
 * An installed app opens its start URL, `/` with no hash: then the app returns to the last app
 * route it showed (`resumeRoute`), kept in localStorage — a route, never anything secret.
 *
 * Guards (see `guard`): without an account only welcome/create/restore; while locked only unlock;
 * with an open account everything but those four. Anything unknown is home.
 * Pure functions only: the live route is `RouteState` in route.svelte.ts.
 */

export type Route =
  | { readonly name: 'welcome' }
  | { readonly name: 'create' }
  | { readonly name: 'restore' }
  | { readonly name: 'unlock'; readonly to: AppRoute | null }
  | AppRoute;

/** The routes of an open account. */
export type AppRoute =
  | { readonly name: 'home' }
  | { readonly name: 'new' }
  | { readonly name: 'conversation'; readonly sessionId: string }
  | { readonly name: 'account' }
  | { readonly name: 'settings' }
  | { readonly name: 'network' };

/** What the account allows: none yet, a locked seed, or an open account. */
export type AccountGate = 'none' | 'locked' | 'open';

const HOME: AppRoute = { name: 'home' };
const HEX = /^[0-9a-f]+$/i;

const simple: Readonly<Record<string, Route>> = {
  welcome: { name: 'welcome' },
  create: { name: 'create' },
  restore: { name: 'restore' },
  new: { name: 'new' },
  account: { name: 'account' },
  settings: { name: 'settings' },
  network: { name: 'network' },
};

/** The route a location hash names (`#/c/05ab…`, `#/`, '' …); unknown hashes are home. */
export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const [pathPart = '', query = ''] = raw.split('?', 2);
  const segments = pathPart.split('/').filter((segment) => segment !== '');
  const [first, second, ...rest] = segments;
  if (first === undefined) return HOME;
  if (rest.length > 0) return HOME;
  if (first === 'c') {
    const id = second === undefined ? '' : safeDecode(second);
    return HEX.test(id) ? { name: 'conversation', sessionId: id.toLowerCase() } : HOME;
  }
  if (second !== undefined) return HOME;
  if (first === 'unlock') return { name: 'unlock', to: unlockTarget(query) };
  return simple[first] ?? HOME;
}

/** The hash for a route, `#/…`; `parseHash(formatRoute(r))` is `r`. */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'conversation':
      return `#/c/${route.sessionId}`;
    case 'unlock':
      return route.to === null || route.to.name === 'home'
        ? '#/unlock'
        : `#/unlock?to=${encodeURIComponent(formatRoute(route.to).slice(1))}`;
    default:
      return `#/${route.name}`;
  }
}

/** Routes of onboarding and unlocking: shown full screen, without the app's panes. */
export function isGateRoute(route: Route): route is Exclude<Route, AppRoute> {
  return route.name === 'welcome' || route.name === 'create' || route.name === 'restore' || route.name === 'unlock';
}

/**
 * Where the account's state sends a route, or null when it may stay. The answer replaces the
 * current history entry, so that Back never returns to a screen the guard would leave again.
 */
export function guard(route: Route, gate: AccountGate): Route | null {
  switch (gate) {
    case 'none':
      return route.name === 'welcome' || route.name === 'create' || route.name === 'restore' ? null : { name: 'welcome' };
    case 'locked':
      if (route.name === 'unlock') return null;
      // Remember an app route, so that an installed app reopening on a conversation returns there once unlocked.
      return { name: 'unlock', to: isGateRoute(route) || route.name === 'home' ? null : route };
    case 'open':
      if (route.name === 'unlock') return route.to ?? HOME;
      return isGateRoute(route) ? HOME : null;
  }
}

/**
 * Where a launch goes: a URL without any hash (the installed app's start URL, a bare visit) resumes
 * the last app route remembered; any hash, `#/` included, is where the person asked to be.
 */
export function resumeRoute(hash: string, remembered: string | null): AppRoute | null {
  if (hash !== '' && hash !== '#') return null;
  if (remembered === null) return null;
  const route = parseHash(remembered);
  return isGateRoute(route) || route.name === 'home' ? null : route;
}

/** What to remember of a route for the next launch: app routes only (a gate is decided anew). */
export function routeToRemember(route: Route): string | null {
  return isGateRoute(route) ? null : formatRoute(route);
}

function unlockTarget(query: string): AppRoute | null {
  const to = new URLSearchParams(query).get('to');
  if (to === null) return null;
  const target = parseHash(to);
  return isGateRoute(target) || target.name === 'home' ? null : target;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
