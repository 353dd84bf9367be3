import { useQueryClient } from '@tanstack/react-query';
import { Layers, Plus } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import type { ClientProfile, ProfileSummary } from '../../preload/contract/index.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Pill } from '../components/health-badge.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ProfileEditor } from '../components/profile-editor.tsx';
import { SkeletonRows } from '../components/skeleton.tsx';
import { useBridge } from '../hooks/bridge-context.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';

/**
 * Profiles (issue 13): which servers and tools each AI client sees, and whether its tools are listed or found by
 * search. Which client uses which profile is chosen here (or from the tray, or `switchboard profile use`); the
 * change reaches the client at once, without touching its config file.
 */
export function ProfilesPage() {
  useProfileEvents();
  const profiles = useCommand('profiles.list', {});
  const [editing, setEditing] = useState<string | null>(null);
  const shown = editing ?? null;
  return (
    <>
      <PageHeader
        title="Profiles"
        subtitle="Give each AI client the servers and tools it needs. Large profiles can be searched instead of listed, which keeps a client's context small."
      />
      <ClientsSection profiles={profiles.data ?? []} />
      <section className="card" aria-labelledby="profiles-list">
        <h2 id="profiles-list" className="section-title">
          Profiles
        </h2>
        <ErrorBanner error={profiles.error} title="Could not load the profiles" />
        {profiles.isPending ? (
          <SkeletonRows rows={2} height={52} label="Loading profiles…" />
        ) : (
          <ul className="rows" aria-label="Profiles">
            {(profiles.data ?? []).map((p) => (
              <ProfileRow key={p.name} profile={p} onEdit={() => setEditing(p.name)} />
            ))}
          </ul>
        )}
        <NewProfileForm onCreated={(name) => setEditing(name)} />
      </section>
      {shown ? (
        <ProfileEditor key={shown} name={shown} onRenamed={setEditing} onRemoved={() => setEditing(null)} />
      ) : null}
    </>
  );
}

/** Refetches what profile, server and token changes invalidate (events from main, no polling). */
function useProfileEvents(): void {
  const bridge = useBridge();
  const client = useQueryClient();
  useEffect(() => {
    const refresh = () => {
      for (const key of ['profiles.list', 'profiles.get', 'profiles.clients'])
        void client.invalidateQueries({ queryKey: [key] });
    };
    const offs = [bridge.on('profiles.changed', refresh), bridge.on('servers.changed', refresh)];
    return () => offs.forEach((off) => off());
  }, [bridge, client]);
}

/** How a profile offers its tools now, in a few words. */
export function listingText(p: Pick<ProfileSummary, 'listing'>): string {
  const { listing } = p;
  return listing.mode === 'search'
    ? `${listing.tools} tools behind search: clients list ${listing.listed} (about ${listing.listedTokens.toLocaleString()} tokens instead of ${listing.fullTokens.toLocaleString()})`
    : `${listing.tools} tools listed (about ${listing.fullTokens.toLocaleString()} tokens)`;
}

function ProfileRow({ profile, onEdit }: { profile: ProfileSummary; onEdit: () => void }) {
  return (
    <li className="row">
      <Layers size={16} aria-hidden="true" />
      <div className="row-main">
        <div className="row-title">
          <strong>{profile.name}</strong> {profile.isDefault ? <Pill tone="neutral">default</Pill> : null}{' '}
          <Pill tone={profile.listing.mode === 'search' ? 'info' : 'neutral'}>
            {profile.toolMode === 'auto' ? `auto → ${profile.listing.mode}` : profile.toolMode}
          </Pill>
        </div>
        <p className="row-sub">{listingText(profile)}</p>
        <p className="row-sub muted small">
          {profile.clients.length === 0 ? 'No client uses it.' : `Used by ${profile.clients.join(', ')}`}
        </p>
      </div>
      <div className="row-actions">
        <button type="button" className="button small" onClick={onEdit} aria-label={`Edit ${profile.name}`}>
          Edit
        </button>
      </div>
    </li>
  );
}

function NewProfileForm({ onCreated }: { onCreated: (name: string) => void }) {
  const id = useId();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [everything, setEverything] = useState(false);
  const create = useMutationCommand('profiles.create', {
    onSuccess: (created) => {
      setName('');
      void client.invalidateQueries({ queryKey: ['profiles.list'] });
      void client.invalidateQueries({ queryKey: ['profiles.clients'] });
      onCreated(created.name);
    },
  });
  return (
    <form
      className="new-profile"
      aria-label="New profile"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() !== '') create.mutate({ name: name.trim(), others: everything ? 'in' : 'out' });
      }}
    >
      <div className="button-row">
        <label htmlFor={`${id}-name`} className="sr-only">
          New profile name
        </label>
        <input
          id={`${id}-name`}
          placeholder="New profile, e.g. coding"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={64}
        />
        <label className="toggle-label">
          <input type="checkbox" checked={everything} onChange={(e) => setEverything(e.target.checked)} />{' '}
          Start with every server
        </label>
        <button
          type="submit"
          className="button primary small"
          disabled={create.isPending || name.trim() === ''}
        >
          <Plus size={14} aria-hidden="true" /> Create profile
        </button>
      </div>
      <ErrorBanner error={create.error} title="The profile was not created" />
    </form>
  );
}

function ClientsSection({ profiles }: { profiles: ProfileSummary[] }) {
  const clients = useCommand('profiles.clients', {});
  const client = useQueryClient();
  const use = useMutationCommand('profiles.use', {
    onSuccess: () => {
      for (const key of ['profiles.list', 'profiles.get', 'profiles.clients'])
        void client.invalidateQueries({ queryKey: [key] });
    },
  });
  return (
    <section className="card" aria-labelledby="profile-clients">
      <h2 id="profile-clients" className="section-title">
        Clients
      </h2>
      <p className="hint section-description">
        Each client token (and the stdio bridge that Claude Desktop uses) sees one profile. A change reaches
        the client at once; its config file is not touched.
      </p>
      <ErrorBanner error={clients.error ?? use.error} title="Could not change the client's profile" />
      {clients.isPending ? (
        <SkeletonRows rows={2} height={40} label="Loading clients…" />
      ) : (
        <table className="table">
          <caption className="sr-only">Clients and their profiles</caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Profile</th>
              <th scope="col">Sees</th>
            </tr>
          </thead>
          <tbody>
            {(clients.data ?? []).map((row) => (
              <ClientRow
                key={row.client}
                row={row}
                profiles={profiles}
                busy={use.isPending}
                onChange={(profile) => use.mutate({ client: row.client, profile })}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ClientRow({
  row,
  profiles,
  busy,
  onChange,
}: {
  row: ClientProfile;
  profiles: ProfileSummary[];
  busy: boolean;
  onChange: (profile: string) => void;
}) {
  return (
    <tr data-client={row.client}>
      <th scope="row" className="mono">
        {row.client === 'bridge' ? row.label : row.client}
      </th>
      <td>
        <select
          aria-label={`Profile of ${row.client}`}
          value={row.profile}
          disabled={busy}
          onChange={(e) => onChange(e.target.value)}
        >
          {profiles.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </td>
      <td aria-label={`Tools of ${row.client}`}>
        {row.mode === 'search'
          ? `${row.listed} tools listed (search over ${row.tools})`
          : `${row.listed} tools listed`}
      </td>
    </tr>
  );
}
