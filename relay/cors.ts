/**
 * Optional CORS for the relay's API, for an app served from another origin. Off unless origins are
 * listed; only listed origins get the headers, and only on /v1/ paths (the app itself is same-origin).
 */
import { ONION_PATH_PREFIX, SEED_PATH } from '../src/shared/relay-api.ts';
import { applyApiHeaders } from './api-checks.ts';
import type { Route } from './server.ts';

export function corsRoute(allowedOrigins: readonly string[]): Route {
  const allowed = new Set(allowedOrigins.map((origin) => new URL(origin).origin));
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith(ONION_PATH_PREFIX) && path !== SEED_PATH) return false;
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method !== 'OPTIONS') return false;
    applyApiHeaders(res);
    res.statusCode = 204;
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.end();
    return true;
  };
}
