import { createContext, useContext, type ReactNode } from 'react';
import type { RendererBridge } from '../api.ts';

const BridgeContext = createContext<RendererBridge | null>(null);

/** Makes the bridge available to every hook below; tests pass a fake one. */
export function BridgeProvider({ bridge, children }: { bridge: RendererBridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

/** The bridge given to the nearest BridgeProvider. */
export function useBridge(): RendererBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge needs a <BridgeProvider> above it');
  return bridge;
}
