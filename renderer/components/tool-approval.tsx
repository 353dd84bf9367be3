import { useQueryClient } from '@tanstack/react-query';
import { Check, CheckCheck, ShieldAlert } from 'lucide-react';
import { useEffect, useId } from 'react';
import type { PendingToolChange, ServerPolicies } from '../../preload/contract/index.ts';
import { useBridge } from '../hooks/bridge-context.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { ErrorBanner } from './error-banner.tsx';
import { Pill } from './health-badge.tsx';

/**
 * Pinned tool definitions in the window (issue 14): the tools of a server withheld from clients because their
 * definition changed since it was approved (or because they are new), each with a word-level diff of what
 * changed and an Approve button, plus Approve all; and the server's two guard policies. Approving sends the
 * hash of the definition shown, so a server that changes again meanwhile is not approved unseen.
 */
export function ToolApproval({ prefix }: { prefix: string }) {
  return (
    <>
      <PendingToolChanges prefix={prefix} />
      <GuardPolicies prefix={prefix} />
    </>
  );
}

/** Refetches the pending list when the hub says the server changed (a new catalog, an approval elsewhere). */
function usePendingRefresh(prefix: string) {
  const bridge = useBridge();
  const client = useQueryClient();
  useEffect(
    () =>
      bridge.on('servers.changed', (event) => {
        if (event.prefix === undefined || event.prefix === prefix) {
          void client.invalidateQueries({ queryKey: ['tools.pending'] });
        }
      }),
    [bridge, client, prefix],
  );
}

export function PendingToolChanges({ prefix }: { prefix: string }) {
  usePendingRefresh(prefix);
  const client = useQueryClient();
  const pending = useCommand('tools.pending', { prefix });
  const approve = useMutationCommand('tools.approve', {
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['tools.pending'] });
      void client.invalidateQueries({ queryKey: ['servers.get', { prefix }] });
    },
  });
  const headingId = useId();
  const changes = pending.data ?? [];
  if (changes.length === 0) {
    return pending.error ? (
      <ErrorBanner error={pending.error} title="Could not load pending tool changes" />
    ) : null;
  }
  return (
    <section className="card pending-tool-changes" aria-labelledby={headingId} data-tone="warn">
      <div className="card-head">
        <h2 id={headingId} className="section-title">
          <ShieldAlert size={16} aria-hidden="true" /> {changes.length} tool change
          {changes.length === 1 ? '' : 's'} waiting for approval
        </h2>
        {changes.length > 1 ? (
          <button
            type="button"
            className="button small primary"
            disabled={approve.isPending}
            onClick={() =>
              approve.mutate({ prefix, tools: changes.map((c) => ({ tool: c.tool, hash: c.hash })) })
            }
          >
            <CheckCheck size={14} aria-hidden="true" /> Approve all
          </button>
        ) : null}
      </div>
      <p className="muted small">
        Clients do not see these tools, and cannot call them, until you approve them. A server that changes
        what a tool says after you started using it may be slipping new instructions to your AI.
      </p>
      <ErrorBanner error={approve.error} title="The change was not approved" />
      <ul className="rows">
        {changes.map((change) => (
          <PendingChange
            key={`${change.tool}:${change.hash}`}
            change={change}
            busy={approve.isPending}
            onApprove={() => approve.mutate({ prefix, tools: [{ tool: change.tool, hash: change.hash }] })}
          />
        ))}
      </ul>
    </section>
  );
}

function PendingChange({
  change,
  busy,
  onApprove,
}: {
  change: PendingToolChange;
  busy: boolean;
  onApprove: () => void;
}) {
  const diffId = useId();
  return (
    <li className="row pending-change">
      <div className="row-main">
        <div className="row-title">
          <span className="mono">{change.tool}</span>{' '}
          {change.kind === 'new' ? (
            <Pill tone="info">New tool</Pill>
          ) : (
            <Pill tone="warn">Changed: {change.fields.join(', ') || 'definition'}</Pill>
          )}
        </div>
        <pre
          className="code-block wrap tool-diff"
          id={diffId}
          aria-label={`What changed in ${change.tool}`}
          style={{ maxHeight: 360, overflow: 'auto' }}
        >
          {change.diff.map((part, i) =>
            part.op === 'added' ? (
              <ins key={i} style={ADDED}>
                {part.text}
              </ins>
            ) : part.op === 'removed' ? (
              <del key={i} style={REMOVED}>
                {part.text}
              </del>
            ) : (
              <span key={i}>{part.text}</span>
            ),
          )}
        </pre>
      </div>
      <div className="row-actions">
        <button
          type="button"
          className="button small"
          disabled={busy}
          aria-controls={diffId}
          aria-label={`Approve ${change.tool}`}
          onClick={onApprove}
        >
          <Check size={14} aria-hidden="true" /> Approve
        </button>
      </div>
    </li>
  );
}

const ADDED = { background: 'var(--ok-bg)', color: 'var(--ok)', textDecoration: 'none' } as const;
const REMOVED = { background: 'var(--err-bg)', color: 'var(--err)' } as const;

const TOOL_CHANGE_LABELS: Record<ServerPolicies['toolChanges'], string> = {
  'approve-changes': 'Ask me before clients see changed or new tools',
  'approve-new-only': 'Ask me about new tools only',
  trust: 'Trust this server: never ask',
};
const LEAK_GUARD_LABELS: Record<ServerPolicies['leakGuard'], string> = {
  redact: 'Replace secrets with a marker',
  block: 'Block results and calls that hold secrets',
  off: 'Off',
};

/** The server's tool-change and leak-guard policies. */
export function GuardPolicies({ prefix }: { prefix: string }) {
  const client = useQueryClient();
  const policies = useCommand('tools.policies', { prefix });
  const save = useMutationCommand('tools.setPolicies', {
    onSuccess: (next) => client.setQueryData(['tools.policies', { prefix }], next),
    onSettled: () => void client.invalidateQueries({ queryKey: ['tools.pending'] }),
  });
  const id = useId();
  if (!policies.data) return null;
  return (
    <section className="card guard-policies" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        Guards
      </h2>
      <div className="toolbar filters">
        <div className="inline-field">
          <label htmlFor={`${id}-changes`}>When tools change</label>
          <select
            id={`${id}-changes`}
            className="compact"
            value={policies.data.toolChanges}
            disabled={save.isPending}
            onChange={(e) =>
              save.mutate({ prefix, toolChanges: e.target.value as ServerPolicies['toolChanges'] })
            }
          >
            {Object.entries(TOOL_CHANGE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="inline-field">
          <label htmlFor={`${id}-leaks`}>Secrets in tool traffic</label>
          <select
            id={`${id}-leaks`}
            className="compact"
            value={policies.data.leakGuard}
            disabled={save.isPending}
            onChange={(e) =>
              save.mutate({ prefix, leakGuard: e.target.value as ServerPolicies['leakGuard'] })
            }
          >
            {Object.entries(LEAK_GUARD_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBanner error={save.error} title="The policy was not changed" />
    </section>
  );
}
