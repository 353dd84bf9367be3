import { z } from 'zod';
import { GatewayStatusSchema, HealthSnapshotSchema } from './models.ts';

/** Every event main pushes to the window. The UI refetches what an event invalidates; no polling. */
export const events = {
  /** A server was added, removed, edited, enabled or disabled (prefix absent: the whole list). */
  'servers.changed': z.object({ prefix: z.string().optional() }),
  'health.changed': z.object({ prefix: z.string(), health: HealthSnapshotSchema }),
  'activity.appended': z.object({ count: z.number().int() }),
  'auth.changed': z.object({ prefix: z.string() }),
  'gateway.changed': GatewayStatusSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
