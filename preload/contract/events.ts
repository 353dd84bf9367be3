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
  /** A profile was created, edited or removed, or a client moved to another profile. */
  'profiles.changed': z.object({}),
  /** Progress of a `tools.call` started with a `callId` (what the upstream reported; message redacted). */
  'tools.progress': z.object({
    callId: z.string(),
    progress: z.number(),
    total: z.number().optional(),
    message: z.string().optional(),
  }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
