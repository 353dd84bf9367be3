import { useQueryClient } from '@tanstack/react-query';
import { Braces, CircleStop, Play } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type { EventPayload, ServerDetail, ToolInfo } from '../../preload/contract/index.ts';
import { useBridge } from '../hooks/bridge-context.tsx';
import { useMutationCommand } from '../hooks/use-command.ts';
import { formatDuration } from '../lib/format.ts';
import { Dialog } from './dialog.tsx';
import { Callout, ErrorBanner } from './error-banner.tsx';
import { SchemaForm } from './schema-form.tsx';
import { SearchBox } from './search-box.tsx';
import { Toggle } from './toggle.tsx';
import { ToolResult } from './tool-result.tsx';

/** Why clients do not see a withheld tool; the pending change above it on the page is where to approve it. */
const WITHHELD_NOTE: Record<NonNullable<ToolInfo['withheld']>, string> = {
  changed: 'Withheld from clients: its definition changed; approve it above',
  new: 'Withheld from clients: new since the server was approved; approve it above',
};

/** The server's tools: on/off per tool (optimistic), the input schema on demand, and "Try". */
export function ToolList({ prefix, tools }: { prefix: string; tools: ToolInfo[] }) {
  const client = useQueryClient();
  const [filter, setFilter] = useState('');
  const [trying, setTrying] = useState<ToolInfo | null>(null);
  const key = ['servers.get', { prefix }];
  const setEnabled = useMutationCommand('tools.setEnabled', {
    onMutate: async ({ tool, enabled }) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<ServerDetail>(key);
      client.setQueryData<ServerDetail>(key, (detail) =>
        detail
          ? { ...detail, tools: detail.tools.map((t) => (t.name === tool ? { ...t, enabled } : t)) }
          : detail,
      );
      return { previous };
    },
    onError: (_error, _input, context) => {
      const previous = (context as { previous?: ServerDetail } | undefined)?.previous;
      if (previous) client.setQueryData(key, previous);
    },
    onSettled: () => void client.invalidateQueries({ queryKey: key }),
  });

  if (tools.length === 0) {
    return <p className="muted">No tools yet. They appear once the server has been reached.</p>;
  }

  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? tools.filter((t) => `${t.name} ${t.title ?? ''} ${t.description ?? ''}`.toLowerCase().includes(needle))
    : tools;
  const enabledCount = tools.filter((t) => t.enabled && !t.withheld).length;

  return (
    <div className="tool-list">
      <div className="toolbar">
        <p className="muted small" aria-live="polite">
          {enabledCount} of {tools.length} tools exposed to clients
        </p>
        {tools.length > 6 ? (
          <SearchBox small label="Filter tools" value={filter} onChange={setFilter} />
        ) : null}
      </div>
      <ErrorBanner error={setEnabled.error} title="The tool was not switched" />
      <ul className="rows">
        {shown.map((tool) => (
          <ToolRow
            key={tool.name}
            tool={tool}
            onToggle={(enabled) => setEnabled.mutate({ prefix, tool: tool.name, enabled })}
            onTry={() => setTrying(tool)}
          />
        ))}
      </ul>
      {shown.length === 0 ? <p className="muted">No tool matches “{filter}”.</p> : null}
      {trying ? <TryToolDialog prefix={prefix} tool={trying} onClose={() => setTrying(null)} /> : null}
    </div>
  );
}

function ToolRow({
  tool,
  onToggle,
  onTry,
}: {
  tool: ToolInfo;
  onToggle: (enabled: boolean) => void;
  onTry: () => void;
}) {
  const [showSchema, setShowSchema] = useState(false);
  const schemaId = useId();
  return (
    <li className="row tool-row" data-enabled={tool.enabled}>
      <Toggle checked={tool.enabled} onCheckedChange={onToggle} label={`Expose ${tool.name} to clients`} />
      <div className="row-main">
        <div className="row-title">
          <span className="mono">{tool.name}</span>
          {tool.title && tool.title !== tool.name ? <span className="muted"> {tool.title}</span> : null}
        </div>
        {tool.description ? <p className="row-sub clamp-2">{tool.description}</p> : null}
        <p className="row-sub muted small">
          {tool.withheld ? (
            WITHHELD_NOTE[tool.withheld]
          ) : tool.enabled ? (
            <>
              Clients see <code>{tool.exposedName}</code>
            </>
          ) : (
            'Hidden from clients'
          )}
        </p>
        {showSchema ? (
          <pre className="code-block" id={schemaId} aria-label={`Input schema of ${tool.name}`}>
            {JSON.stringify(tool.inputSchema, null, 2)}
          </pre>
        ) : null}
      </div>
      <div className="row-actions">
        <button
          type="button"
          className="button small ghost"
          aria-expanded={showSchema}
          aria-controls={showSchema ? schemaId : undefined}
          onClick={() => setShowSchema((v) => !v)}
          aria-label={`Schema of ${tool.name}`}
        >
          <Braces size={14} aria-hidden="true" /> Schema
        </button>
        <button type="button" className="button small" onClick={onTry} aria-label={`Try ${tool.name}`}>
          <Play size={14} aria-hidden="true" /> Try
        </button>
      </div>
    </li>
  );
}

/** Runs one tool with arguments from a form generated from its input schema, and shows the result. */
export function TryToolDialog({
  prefix,
  tool,
  onClose,
}: {
  prefix: string;
  tool: ToolInfo;
  onClose: () => void;
}) {
  const bridge = useBridge();
  const call = useMutationCommand('tools.call');
  const cancel = useMutationCommand('tools.cancel');
  const [run, setRun] = useState<{ callId: string; startedAt: number } | null>(null);
  const [progress, setProgress] = useState<EventPayload<'tools.progress'> | null>(null);
  const now = useNow(call.isPending);
  const callIdRef = useRef<string | null>(null);

  useEffect(
    () =>
      bridge.on('tools.progress', (payload) => {
        if (payload.callId === callIdRef.current) setProgress(payload);
      }),
    [bridge],
  );
  // Closing the dialog while the tool runs stops the call: nobody would see its result.
  useEffect(
    () => () => {
      const running = callIdRef.current;
      if (running) void bridge.invoke('tools.cancel', { callId: running });
    },
    [bridge],
  );

  const start = (args: Record<string, unknown>) => {
    const callId = newCallId();
    callIdRef.current = callId;
    setRun({ callId, startedAt: Date.now() });
    setProgress(null);
    cancel.reset();
    call.mutate(
      { prefix, tool: tool.name, arguments: args, callId },
      {
        onSettled: () => {
          if (callIdRef.current === callId) callIdRef.current = null;
        },
      },
    );
  };

  const elapsed = run ? Math.max(0, now - run.startedAt) : 0;
  const result = call.data;
  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Try ${tool.name}`}
      description={tool.description ?? 'Fill in the arguments and run the tool through the gateway.'}
      wide
    >
      <SchemaForm schema={tool.inputSchema} busy={call.isPending} onSubmit={start} />
      {call.isPending && run ? (
        <section className="call-progress" aria-label="Running">
          <div className="call-progress-line">
            <span role="status" aria-live="polite">
              {cancel.isPending || cancel.data?.cancelled
                ? 'Cancelling…'
                : progress
                  ? `Running… ${progressText(progress)}`
                  : 'Running…'}
            </span>
            <span className="muted small" aria-label="Elapsed time">
              {formatDuration(elapsed)}
            </span>
            <button
              type="button"
              className="button small danger-ghost push-right"
              disabled={cancel.isPending || cancel.data?.cancelled === true}
              onClick={() => cancel.mutate({ callId: run.callId })}
            >
              <CircleStop size={14} aria-hidden="true" /> Cancel
            </button>
          </div>
          {progress?.total ? (
            <progress
              className="call-progress-bar"
              value={progress.progress}
              max={progress.total}
              aria-label={`Progress of ${tool.name}`}
            />
          ) : (
            <progress className="call-progress-bar" aria-label={`Progress of ${tool.name}`} />
          )}
          {progress?.message ? <p className="muted small">{progress.message}</p> : null}
        </section>
      ) : null}
      <div aria-live="polite">
        {call.error ? <ErrorBanner error={call.error} title="The call failed" /> : null}
        {cancel.error ? <ErrorBanner error={cancel.error} title="The call could not be cancelled" /> : null}
        {result?.cancelled ? (
          <Callout tone="info">
            <strong>Cancelled</strong> after {formatDuration(result.durationMs)}. The server was told to stop.
          </Callout>
        ) : result ? (
          <ToolResult result={result} />
        ) : null}
      </div>
    </Dialog>
  );
}

/** "3 of 5", "42%", or the step reached when the total is unknown. */
function progressText(p: EventPayload<'tools.progress'>): string {
  if (p.total && p.total > 0) {
    return Number.isInteger(p.progress) && Number.isInteger(p.total) && p.total <= 1000
      ? `${p.progress} of ${p.total}`
      : `${Math.round((p.progress / p.total) * 100)}%`;
  }
  return `step ${p.progress}`;
}

/** The current time, ticking while `active` (for an elapsed-time counter). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function newCallId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
