import { createContext, useContext, useEffect, useState } from 'react';
import type { ConnectionState, RendererBridge } from '../api.ts';
import { useBridge } from './bridge-context.tsx';

/** The connection state the whole window shares (badges go stale, the sidebar and a banner say why). */
export const ConnectionContext = createContext<ConnectionState>('connected');

/** Whether the window still hears from the hub (see renderer/api.ts); components read it through context. */
export function useConnection(): ConnectionState {
  return useContext(ConnectionContext);
}

/** Follows the bridge's connection state; used once, by the app shell, which provides it as context. */
export function useBridgeConnection(): ConnectionState {
  const bridge: RendererBridge = useBridge();
  const [state, setState] = useState<ConnectionState>(() => bridge.connection?.() ?? 'connected');
  useEffect(() => {
    setState(bridge.connection?.() ?? 'connected');
    return bridge.onConnection?.(setState);
  }, [bridge]);
  return state;
}
