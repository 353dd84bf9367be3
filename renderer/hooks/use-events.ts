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

/** Writes a health snapshot into the cached server list and server detail, if they are cached. */
export function applyHealth(client: QueryClient, prefix: string, health: HealthSnapshot): void {
  client.setQueryData<ServerSummary[]>(['servers.list', {}], (list) =>
    list?.map((server) => (server.prefix === prefix ? { ...server, health } : server)),
  );
  client.setQueryData<ServerDetail>(['servers.get', { prefix }], (detail) =>
    detail ? { ...detail, summary: { ...detail.summary, health } } : detail,
  );
}

/** Subscribes the app's query cache to the bridge's events for as long as the component lives. */
export function useEvents(): void {
  const bridge = useBridge();
  const client = useQueryClient();
  useEffect(() => subscribeToEvents(bridge, client), [bridge, client]);
}
