/**
 * Dev-only page: the real renderer over the FAKE bridge, to look at the design without a hub.
 * `?state=demo` (default) or `?state=empty`; `?delay=<ms>` slows every answer to show the skeletons.
 */
import { createFakeBridge, demoState, emptyState } from '../../unit/renderer/fake-bridge.ts';

const params = new URLSearchParams(location.search);
const state = params.get('state') === 'empty' ? emptyState() : demoState();
const delayMs = Number(params.get('delay') ?? 0);
window.switchboard = createFakeBridge({ state, delayMs });
await import('../../../renderer/main.tsx');
