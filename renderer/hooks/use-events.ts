import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ServerDetail, ServerSummary, HealthSnapshot } from '../../preload/contract/index.ts';
import { useBridge } from './bridge-context.tsx';
import type { RendererBridge } from '../api.ts';

/**
 * Turns events from main into cache updates: each event invalidates exactly what it changes (no polling).
 * `health.changed` carries the new snapshot, so it is written into the cached list and detail in place
 * instead of refetching the whole list.
 */
export function subscribeToEvents(bridge: RendererBridge, client: QueryClient): () => void {
  const offs = [
    bridge.on('servers.changed', ({ prefix }) => {
      void client.invalidateQueries({ queryKey: ['servers.list'] });
      if (prefix === undefined) {
        void client.invalidateQueries({ queryKey: ['servers.get'] });
        void client.invalidateQueries({ queryKey: ['servers.logs'] });
      } else {
        void client.invalidateQueries({ queryKey: ['servers.get', { prefix }] });
        void client.invalidateQueries({ queryKey: ['servers.logs', { prefix }] });
      }
    }),
    bridge.on('health.changed', ({ prefix, health }) => {
      applyHealth(client, prefix, health);
      void client.invalidateQueries({ queryKey: ['health.history', { prefix }] });
      // No dedicated log event: a health change is when new stderr lines are most likely.
      void client.invalidateQueries({ queryKey: ['servers.logs', { prefix }] });
    }),
    bridge.on('activity.appended', () => {
      void client.invalidateQueries({ queryKey: ['activity.list'] });
    }),
    bridge.on('auth.changed', ({ prefix }) => {
      void client.invalidateQueries({ queryKey: ['servers.get', { prefix }] });
    }),
    bridge.on('gateway.changed', (status) => {
      client.setQueryData(['gateway.status', {}], status);
    }),
  ];
  const offReconnect = bridge.onReconnect?.(() => void client.invalidateQueries());
  return () => {
    for (const off of offs) off();
    offReconnect?.();
  };
}

/**
 * Writes a health snapshot into the cached server list and server detail, if they are cached, WITHOUT making
 * them look fresh: a cache entry that an event invalidated (a server was added while the list was not on
 * screen) must still be refetched when it is next shown, or the window keeps an old list for as long as
 * health events keep arriving. A snapshot for a server the cached list does not have means the list is out
 * of date: it is invalidated instead.
 */
export function applyHealth(client: QueryClient, prefix: string, health: HealthSnapshot): void {
  const listKey = ['servers.list', {}];
  const list = client.getQueryState<ServerSummary[]>(listKey);
  if (list?.data !== undefined) {
    if (!list.data.some((server) => server.prefix === prefix)) {
      void client.invalidateQueries({ queryKey: ['servers.list'] });
    } else if (!list.isInvalidated) {
      client.setQueryData<ServerSummary[]>(
        listKey,
        (servers) => servers?.map((server) => (server.prefix === prefix ? { ...server, health } : server)),
        { updatedAt: list.dataUpdatedAt },
      );
    }
  }
  const detailKey = ['servers.get', { prefix }];
  const detail = client.getQueryState<ServerDetail>(detailKey);
  if (detail?.data !== undefined && !detail.isInvalidated) {
    client.setQueryData<ServerDetail>(
      detailKey,
      (current) => (current ? { ...current, summary: { ...current.summary, health } } : current),
      { updatedAt: detail.dataUpdatedAt },
    );
  }
}

/** Subscribes the app's query cache to the bridge's events for as long as the component lives. */
export function useEvents(): void {
  const bridge = useBridge();
  const client = useQueryClient();
  useEffect(() => subscribeToEvents(bridge, client), [bridge, client]);
}
