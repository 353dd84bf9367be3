import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import type { ProfileDetail, ProfileServer } from '../../preload/contract/index.ts';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { ConfirmDialog } from './dialog.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { SearchBox } from './search-box.tsx';
import { Toggle } from './toggle.tsx';

/**
 * One profile: its name, how it offers its tools (full, search, auto with the budgets and what they decide now),
 * and its switches — a whole server, or single tools, grouped by server. Every switch is saved at once.
 */
export function ProfileEditor({
  name,
  onRenamed,
  onRemoved,
}: {
  name: string;
  onRenamed: (name: string) => void;
  onRemoved: () => void;
}) {
  const detail = useCommand('profiles.get', { name });
  const client = useQueryClient();
  const refresh = () => {
    for (const key of ['profiles.list', 'profiles.get', 'profiles.clients'])
      void client.invalidateQueries({ queryKey: [key] });
  };
  const update = useMutationCommand('profiles.update', {
    onSuccess: (next) => {
      client.setQueryData(['profiles.get', { name: next.name }], next);
      if (next.name !== name) onRenamed(next.name);
      refresh();
    },
  });
  const profile = detail.data;
  return (
    <section className="card profile-editor" aria-labelledby="profile-editor-title">
      <h2 id="profile-editor-title" className="section-title">
        Profile {name}
      </h2>
      <ErrorBanner error={detail.error} title="Could not load the profile" />
      <ErrorBanner error={update.error} title="The change was not saved" />
      {profile ? (
        <>
          <SettingsForm
            profile={profile}
            busy={update.isPending}
            onSave={(change) => update.mutate({ name, ...change })}
          />
          <ServerSwitches
            profile={profile}
            onServer={(prefix, included) => update.mutate({ name, servers: [{ prefix, included }] })}
            onTool={(prefix, tool, rule) => update.mutate({ name, tools: [{ prefix, tool, rule }] })}
          />
          {profile.isDefault ? null : <RemoveProfile name={name} onRemoved={onRemoved} />}
        </>
      ) : null}
    </section>
  );
}

type SettingsChange = {
  rename?: string;
  description?: string;
  toolMode?: ProfileDetail['toolMode'];
  budget?: { tools?: number; tokens?: number };
  others?: 'in' | 'out';
};

function SettingsForm({
  profile,
  busy,
  onSave,
}: {
  profile: ProfileDetail;
  busy: boolean;
  onSave: (change: SettingsChange) => void;
}) {
  const id = useId();
  const [rename, setRename] = useState(profile.name);
  const [description, setDescription] = useState(profile.description);
  const [mode, setMode] = useState(profile.toolMode);
  const [tools, setTools] = useState(String(profile.budget.tools));
  const [tokens, setTokens] = useState(String(profile.budget.tokens));
  useEffect(() => {
    setRename(profile.name);
    setDescription(profile.description);
    setMode(profile.toolMode);
    setTools(String(profile.budget.tools));
    setTokens(String(profile.budget.tokens));
  }, [profile]);
  const budgetTools = Number(tools);
  const budgetTokens = Number(tokens);
  const valid =
    Number.isInteger(budgetTools) && budgetTools >= 1 && Number.isInteger(budgetTokens) && budgetTokens >= 1;
  const dirty =
    rename !== profile.name ||
    description !== profile.description ||
    mode !== profile.toolMode ||
    budgetTools !== profile.budget.tools ||
    budgetTokens !== profile.budget.tokens;
  return (
    <form
      className="stack"
      aria-label={`Settings of ${profile.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        onSave({
          rename: rename !== profile.name ? rename.trim() : undefined,
          description,
          toolMode: mode,
          budget: { tools: budgetTools, tokens: budgetTokens },
        });
      }}
    >
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={rename}
            disabled={profile.isDefault}
            onChange={(e) => setRename(e.target.value)}
            maxLength={64}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description</label>
          <input
            id={`${id}-description`}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={500}
          />
        </div>
      </div>
      <fieldset className="field">
        <legend>How clients get the tools</legend>
        {(
          [
            ['full', 'List every tool'],
            ['search', 'Search: list a search, a describe and a call tool instead'],
            ['auto', 'Automatic: search once the listing exceeds the budget below'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="field-check">
            <input
              type="radio"
              name={`${id}-mode`}
              value={value}
              checked={mode === value}
              onChange={() => setMode(value)}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-tools`}>Budget: tools</label>
          <input
            id={`${id}-tools`}
            type="number"
            inputMode="numeric"
            min={1}
            value={tools}
            onChange={(e) => setTools(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-tokens`}>Budget: tokens (estimated)</label>
          <input
            id={`${id}-tokens`}
            type="number"
            inputMode="numeric"
            min={1}
            value={tokens}
            onChange={(e) => setTokens(e.target.value)}
          />
        </div>
      </div>
      <p className="hint" role="status">
        Now: {profile.listing.reason}. Clients list {profile.listing.listed} tool
        {profile.listing.listed === 1 ? '' : 's'}, about {profile.listing.listedTokens.toLocaleString()}{' '}
        tokens ({profile.listing.tools} in the profile, about {profile.listing.fullTokens.toLocaleString()}{' '}
        tokens if all were listed).
      </p>
      <label className="toggle-label">
        <Toggle
          checked={profile.others === 'in'}
          disabled={busy}
          onCheckedChange={(on) => onSave({ others: on ? 'in' : 'out' })}
          label="Servers without a switch of their own, and servers added later, are in"
        />
        <span>Servers without a switch of their own, and servers added later, are in</span>
      </label>
      <div className="button-row">
        <button type="submit" className="button primary small" disabled={!dirty || !valid || busy}>
          Save
        </button>
      </div>
    </form>
  );
}

function ServerSwitches({
  profile,
  onServer,
  onTool,
}: {
  profile: ProfileDetail;
  onServer: (prefix: string, included: boolean | null) => void;
  onTool: (prefix: string, tool: string, rule: 'in' | 'out' | 'listed' | null) => void;
}) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  return (
    <div className="stack">
      <div className="toolbar">
        <h3 className="subsection-title">Servers and tools</h3>
        <SearchBox small label="Filter tools" value={filter} onChange={setFilter} />
      </div>
      {profile.servers.length === 0 ? <p className="muted">No servers yet.</p> : null}
      {profile.servers.map((server) => (
        <ServerGroup
          key={server.prefix}
          server={server}
          searchMode={profile.listing.mode === 'search' || profile.toolMode !== 'full'}
          needle={needle}
          onServer={(included) => onServer(server.prefix, included)}
          onTool={(tool, rule) => onTool(server.prefix, tool, rule)}
        />
      ))}
    </div>
  );
}

function ServerGroup({
  server,
  searchMode,
  needle,
  onServer,
  onTool,
}: {
  server: ProfileServer;
  searchMode: boolean;
  needle: string;
  onServer: (included: boolean | null) => void;
  onTool: (tool: string, rule: 'in' | 'out' | 'listed' | null) => void;
}) {
  const tools = needle
    ? server.tools.filter((t) =>
        `${t.name} ${t.title ?? ''} ${t.description ?? ''}`.toLowerCase().includes(needle),
      )
    : server.tools;
  if (needle && tools.length === 0) return null;
  const inCount = server.tools.filter((t) => t.included).length;
  /** The rule that makes a tool in or out, given its server (null: what the server says anyway). */
  const ruleFor = (included: boolean, listed: boolean): 'in' | 'out' | 'listed' | null => {
    if (listed) return 'listed';
    if (included === server.included) return null;
    return included ? 'in' : 'out';
  };
  return (
    <details className="profile-server" open={needle !== '' || undefined}>
      <summary>
        <span className="mono">{server.prefix}</span> <span className="muted small">{server.name}</span>{' '}
        <span className="muted small">
          {server.toolsKnown ? `${inCount} of ${server.tools.length} tools in` : 'tools not seen yet'}
          {server.enabled ? '' : ' · server disabled'}
        </span>
      </summary>
      <div className="switch-row">
        <label className="toggle-label">
          <Toggle
            checked={server.included}
            onCheckedChange={(on) => onServer(on)}
            label={`Include all of ${server.prefix}`}
          />
          <span>Whole server</span>
        </label>
        {server.rule !== null ? (
          <button type="button" className="button small ghost" onClick={() => onServer(null)}>
            Follow the profile
          </button>
        ) : null}
      </div>
      <ul className="rows">
        {tools.map((tool) => (
          <li key={tool.name} className="row tool-row" data-enabled={tool.included}>
            <Toggle
              checked={tool.included}
              onCheckedChange={(on) => onTool(tool.name, ruleFor(on, false))}
              label={`Include ${server.prefix}/${tool.name}`}
            />
            <div className="row-main">
              <div className="row-title mono">{tool.name}</div>
              {tool.description ? <p className="row-sub clamp-2">{tool.description}</p> : null}
            </div>
            {searchMode && tool.included ? (
              <label className="toggle-label small">
                <input
                  type="checkbox"
                  checked={tool.alwaysListed}
                  onChange={(e) => onTool(tool.name, e.target.checked ? 'listed' : ruleFor(true, false))}
                />{' '}
                Always listed
              </label>
            ) : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

function RemoveProfile({ name, onRemoved }: { name: string; onRemoved: () => void }) {
  const [asking, setAsking] = useState(false);
  const client = useQueryClient();
  const remove = useMutationCommand('profiles.remove', {
    onSuccess: () => {
      setAsking(false);
      for (const key of ['profiles.list', 'profiles.clients'])
        void client.invalidateQueries({ queryKey: [key] });
      onRemoved();
    },
  });
  return (
    <div className="button-row end">
      <button type="button" className="button danger-ghost small" onClick={() => setAsking(true)}>
        Remove profile
      </button>
      <ConfirmDialog
        open={asking}
        onOpenChange={setAsking}
        title={`Remove the profile ${name}?`}
        body="Its clients use the default profile again, at once."
        confirmLabel="Remove"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ name })}
      />
      <ErrorBanner error={remove.error} title="The profile was not removed" />
    </div>
  );
}
