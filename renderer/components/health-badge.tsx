import {
  CircleCheck,
  CircleHelp,
  CircleOff,
  CircleX,
  KeyRound,
  LoaderCircle,
  OctagonPause,
  Settings2,
  TriangleAlert,
  type LucideIcon,
} from 'lucide-react';
import type { ReactNode } from 'react';
import type { HealthSnapshot, HealthStatusName } from '../../preload/contract/index.ts';
import { useConnection } from '../hooks/use-connection.ts';

/** How each status reads: a word, a tone (color) and a shape, so color is never the only signal. */
export const HEALTH_LOOK: Record<
  HealthStatusName,
  { label: string; tone: Tone; icon: LucideIcon; hint: string }
> = {
  healthy: { label: 'Healthy', tone: 'ok', icon: CircleCheck, hint: 'answering normally' },
  degraded: { label: 'Degraded', tone: 'warn', icon: TriangleAlert, hint: 'answering, but not reliably' },
  unhealthy: { label: 'Unhealthy', tone: 'err', icon: CircleX, hint: 'not answering' },
  needs_auth: { label: 'Needs sign-in', tone: 'auth', icon: KeyRound, hint: 'connect an account to use it' },
  needs_config: { label: 'Needs setup', tone: 'warn', icon: Settings2, hint: 'some variables are missing' },
  starting: { label: 'Starting', tone: 'info', icon: LoaderCircle, hint: 'starting up' },
  stopped: {
    label: 'Idle',
    tone: 'neutral',
    icon: OctagonPause,
    hint: 'stopped while idle; starts on the next call',
  },
  disabled: { label: 'Off', tone: 'neutral', icon: CircleOff, hint: 'switched off' },
  unknown: { label: 'Not checked', tone: 'neutral', icon: CircleHelp, hint: 'not checked yet' },
};

export type Tone = 'ok' | 'warn' | 'err' | 'info' | 'neutral' | 'auth';

/** The accessible sentence for a health snapshot: "Health: Degraded, slow answers". */
export function healthLabel(status: HealthStatusName, degradedBy?: HealthSnapshot['degradedBy']): string {
  const look = HEALTH_LOOK[status];
  const why =
    status === 'degraded' && degradedBy ? (degradedBy === 'slow' ? 'slow answers' : 'flapping') : look.hint;
  return `Health: ${look.label}, ${why}`;
}

/** A server's health as a small labelled pill: icon + word, with the full sentence for screen readers. */
export function HealthBadge({
  status,
  degradedBy = null,
  size = 'md',
}: {
  status: HealthStatusName;
  degradedBy?: HealthSnapshot['degradedBy'];
  size?: 'sm' | 'md';
}) {
  const look = HEALTH_LOOK[status];
  const Icon = look.icon;
  // Without a connection the badge is only what was last heard: say so, and look it.
  const stale = useConnection() !== 'connected';
  const label = `${healthLabel(status, degradedBy)}${stale ? ' (last known: no connection to Switchboard)' : ''}`;
  return (
    <span
      className={`badge badge-${size}`}
      data-tone={stale ? 'neutral' : look.tone}
      data-stale={stale || undefined}
      data-status={status}
      role="img"
      aria-label={label}
      title={label}
    >
      <Icon
        aria-hidden="true"
        className={status === 'starting' ? 'spin' : undefined}
        size={size === 'sm' ? 12 : 14}
      />
      <span aria-hidden="true">
        {look.label}
        {status === 'degraded' && degradedBy ? ` · ${degradedBy}` : ''}
      </span>
    </span>
  );
}

/** A neutral pill for other states (entry state, outcome…), always with words. */
export function Pill({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className="badge badge-sm" data-tone={tone} title={title}>
      {children}
    </span>
  );
}
