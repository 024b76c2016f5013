import { describe, expect, it } from 'vitest';
import { formatRoute, guard, isGateRoute, parseHash, resumeRoute, routeToRemember, type Route } from './routes.ts';

const ID = `05${'ab'.repeat(32)}`;

describe('parseHash', () => {
  it.each<[string, Route]>([
    ['', { name: 'home' }],
    ['#', { name: 'home' }],
    ['#/', { name: 'home' }],
    ['#/welcome', { name: 'welcome' }],
    ['#/create', { name: 'create' }],
    ['#/restore', { name: 'restore' }],
    ['#/unlock', { name: 'unlock', to: null }],
    ['#/new', { name: 'new' }],
    ['#/account', { name: 'account' }],
    ['#/settings', { name: 'settings' }],
    ['#/network', { name: 'network' }],
    ['#/settings/', { name: 'settings' }],
    [`#/c/${ID}`, { name: 'conversation', sessionId: ID }],
    [`#/c/${ID.toUpperCase()}`, { name: 'conversation', sessionId: ID }],
    [`#/unlock?to=${encodeURIComponent(`/c/${ID}`)}`, { name: 'unlock', to: { name: 'conversation', sessionId: ID } }],
    ['#/unlock?to=%2Fsettings', { name: 'unlock', to: { name: 'settings' } }],
  ])('%s', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it.each(['#/nowhere', '#/c/', '#/c/not-hex', '#/c/%E0%A4%A', '#/account/extra', `#/c/${ID}/more`, '#/new/x'])(
    'is home for what names no screen: %s',
    (hash) => {
      expect(parseHash(hash)).toEqual({ name: 'home' });
    },
  );

  it('drops an unlock target that is itself a gate, home, or junk', () => {
    for (const to of ['/unlock', '/welcome', '/', 'x', '/unlock?to=%2Fsettings']) {
      expect(parseHash(`#/unlock?to=${encodeURIComponent(to)}`)).toEqual({ name: 'unlock', to: null });
    }
  });
});

describe('formatRoute', () => {
  const routes: Route[] = [
    { name: 'home' },
    { name: 'welcome' },
    { name: 'create' },
    { name: 'restore' },
    { name: 'unlock', to: null },
    { name: 'unlock', to: { name: 'conversation', sessionId: ID } },
    { name: 'unlock', to: { name: 'account' } },
    { name: 'new' },
    { name: 'conversation', sessionId: ID },
    { name: 'account' },
    { name: 'settings' },
    { name: 'network' },
  ];

  it.each(routes)('round-trips %o', (route) => {
    expect(parseHash(formatRoute(route))).toEqual(route);
  });

  it('writes the short forms', () => {
    expect(formatRoute({ name: 'home' })).toBe('#/');
    expect(formatRoute({ name: 'conversation', sessionId: ID })).toBe(`#/c/${ID}`);
    expect(formatRoute({ name: 'unlock', to: { name: 'home' } })).toBe('#/unlock');
  });
});

describe('guard', () => {
  it('without an account allows only welcome, create and restore', () => {
    expect(guard({ name: 'welcome' }, 'none')).toBeNull();
    expect(guard({ name: 'create' }, 'none')).toBeNull();
    expect(guard({ name: 'restore' }, 'none')).toBeNull();
    for (const route of [{ name: 'home' }, { name: 'unlock', to: null }, { name: 'settings' }] as Route[]) {
      expect(guard(route, 'none')).toEqual({ name: 'welcome' });
    }
  });

  it('while locked sends everything to unlock, remembering an app route', () => {
    expect(guard({ name: 'unlock', to: null }, 'locked')).toBeNull();
    expect(guard({ name: 'conversation', sessionId: ID }, 'locked')).toEqual({
      name: 'unlock',
      to: { name: 'conversation', sessionId: ID },
    });
    expect(guard({ name: 'home' }, 'locked')).toEqual({ name: 'unlock', to: null });
    expect(guard({ name: 'welcome' }, 'locked')).toEqual({ name: 'unlock', to: null });
  });

  it('with an open account leaves the gates for home, or for where unlock was asked to go', () => {
    expect(guard({ name: 'welcome' }, 'open')).toEqual({ name: 'home' });
    expect(guard({ name: 'create' }, 'open')).toEqual({ name: 'home' });
    expect(guard({ name: 'unlock', to: null }, 'open')).toEqual({ name: 'home' });
    expect(guard({ name: 'unlock', to: { name: 'settings' } }, 'open')).toEqual({ name: 'settings' });
    expect(guard({ name: 'conversation', sessionId: ID }, 'open')).toBeNull();
    expect(guard({ name: 'home' }, 'open')).toBeNull();
  });

  it('never sends a route where the guard would move it again', () => {
    const all: Route[] = [
      { name: 'home' },
      { name: 'welcome' },
      { name: 'create' },
      { name: 'restore' },
      { name: 'unlock', to: null },
      { name: 'unlock', to: { name: 'account' } },
      { name: 'new' },
      { name: 'conversation', sessionId: ID },
      { name: 'account' },
      { name: 'settings' },
      { name: 'network' },
    ];
    for (const gate of ['none', 'locked', 'open'] as const) {
      for (const route of all) {
        const next = guard(route, gate);
        if (next !== null) expect(guard(next, gate)).toBeNull();
      }
    }
  });

  it('knows which routes are gates', () => {
    expect(isGateRoute({ name: 'unlock', to: null })).toBe(true);
    expect(isGateRoute({ name: 'home' })).toBe(false);
  });
});

describe('resuming at launch', () => {
  it('returns to the remembered app route when the URL has no hash', () => {
    expect(resumeRoute('', `#/c/${ID}`)).toEqual({ name: 'conversation', sessionId: ID });
    expect(resumeRoute('#', '#/settings')).toEqual({ name: 'settings' });
  });

  it('keeps any hash the URL has, and ignores nothing remembered, home, gates and junk', () => {
    expect(resumeRoute('#/', '#/settings')).toBeNull();
    expect(resumeRoute('#/account', '#/settings')).toBeNull();
    expect(resumeRoute('', null)).toBeNull();
    expect(resumeRoute('', '#/')).toBeNull();
    expect(resumeRoute('', '#/unlock?to=%2Fsettings')).toBeNull();
    expect(resumeRoute('', '#/welcome')).toBeNull();
    expect(resumeRoute('', 'garbage')).toBeNull();
  });

  it('remembers app routes only', () => {
    expect(routeToRemember({ name: 'conversation', sessionId: ID })).toBe(`#/c/${ID}`);
    expect(routeToRemember({ name: 'home' })).toBe('#/');
    expect(routeToRemember({ name: 'unlock', to: { name: 'settings' } })).toBeNull();
    expect(routeToRemember({ name: 'create' })).toBeNull();
  });
});
