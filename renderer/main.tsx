import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBridge } from './api.ts';
import { App } from './app.tsx';
import { BridgeProvider } from './hooks/bridge-context.tsx';
import './styles.css';

/** One query client for the window: events invalidate, so no polling and no refetch-on-focus storms. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
      mutations: { retry: 0 },
    },
  });
}

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <BridgeProvider bridge={createBridge()}>
        <QueryClientProvider client={createQueryClient()}>
          <App />
        </QueryClientProvider>
      </BridgeProvider>
    </StrictMode>,
  );
}
