import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactElement, ReactNode } from 'react';
import { BridgeProvider } from '../../../renderer/hooks/bridge-context.tsx';
import { useEvents } from '../../../renderer/hooks/use-events.ts';
import { createFakeBridge, type FakeBridge } from './fake-bridge.ts';

function Events({ children }: { children: ReactNode }) {
  useEvents();
  return <>{children}</>;
}

/** Renders `ui` with a fake bridge, a fresh query client and the app's event subscriptions. */
export function renderWithBridge(ui: ReactElement, bridge: FakeBridge = createFakeBridge()) {
  const client = new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Infinity, gcTime: Infinity },
      mutations: { retry: 0 },
    },
  });
  const user = userEvent.setup();
  const result = render(
    <BridgeProvider bridge={bridge}>
      <QueryClientProvider client={client}>
        <Events>{ui}</Events>
      </QueryClientProvider>
    </BridgeProvider>,
  );
  return { ...result, bridge, client, user };
}
