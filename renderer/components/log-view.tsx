import { RefreshCw } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { useCommand } from '../hooks/use-command.ts';
import { ErrorBanner } from './error-banner.tsx';
import { Skeleton } from './skeleton.tsx';

/**
 * The server's recent stderr, newest at the bottom. Refetched when main reports a change of the server or
 * its health (there is no per-line event), or on demand. Sticks to the bottom unless the person scrolled up.
 */
export function LogView({ prefix, lastProblem }: { prefix: string; lastProblem?: string | undefined }) {
  const logs = useCommand('servers.logs', { prefix });
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const lines = logs.data?.lines;

  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <div className="log-view">
      <div className="toolbar">
        <span className="muted small">
          {lines ? `${lines.length} line${lines.length === 1 ? '' : 's'}` : ' '}
        </span>
        <button
          type="button"
          className="button small"
          onClick={() => void logs.refetch()}
          disabled={logs.isFetching}
        >
          <RefreshCw size={14} aria-hidden="true" className={logs.isFetching ? 'spin' : undefined} /> Refresh
        </button>
      </div>
      {logs.error ? <ErrorBanner error={logs.error} /> : null}
      {logs.isPending ? (
        <div className="log-box" aria-busy="true">
          <Skeleton height={14} width="60%" />
          <Skeleton height={14} width="80%" />
          <Skeleton height={14} width="40%" />
        </div>
      ) : (
        <pre
          ref={ref}
          className="log-box"
          role="log"
          aria-label={`Standard error output of ${prefix}`}
          tabIndex={0}
          onScroll={(event) => {
            const el = event.currentTarget;
            stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
          }}
        >
          {lines && lines.length > 0 ? (
            lines.join('\n')
          ) : lastProblem ? (
            <span className="muted">
              {`Nothing from the server itself yet. Switchboard's last attempt to reach it failed:\n${lastProblem}`}
            </span>
          ) : (
            <span className="muted">No output yet.</span>
          )}
        </pre>
      )}
    </div>
  );
}
