import { useEffect, useState } from 'react';

/** Where the window is: a tiny hash router (`#/servers/<prefix>/<tab>`), so deep links work in Electron and /ui/. */
export type Route =
  | { page: 'servers' }
  | { page: 'server'; prefix: string; tab: string | undefined }
  | { page: 'add'; tab: string | undefined }
  | { page: 'activity'; server: string | undefined }
  | { page: 'clients' }
  | { page: 'profiles' }
  | { page: 'settings' };

/** Parses a location hash into a route; anything unknown is the servers list. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'servers':
      return parts[1] ? { page: 'server', prefix: parts[1], tab: parts[2] } : { page: 'servers' };
    case 'add':
      return { page: 'add', tab: parts[1] };
    case 'activity':
      return { page: 'activity', server: params.get('server') ?? undefined };
    case 'clients':
      return { page: 'clients' };
    case 'profiles':
      return { page: 'profiles' };
    case 'settings':
      return { page: 'settings' };
    default:
      return { page: 'servers' };
  }
}

/** The hash for a route; the inverse of parseRoute. */
export function routeHref(route: Route): string {
  switch (route.page) {
    case 'servers':
      return '#/servers';
    case 'server':
      return `#/servers/${encodeURIComponent(route.prefix)}${route.tab ? `/${route.tab}` : ''}`;
    case 'add':
      return `#/add${route.tab ? `/${route.tab}` : ''}`;
    case 'activity':
      return `#/activity${route.server ? `?server=${encodeURIComponent(route.server)}` : ''}`;
    default:
      return `#/${route.page}`;
  }
}

/** Navigates by changing the hash (a history entry, so Back works). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = routeHref(route);
  if (options.replace) {
    history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = href;
  }
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
