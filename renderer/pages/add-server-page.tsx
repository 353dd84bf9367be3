import * as Tabs from '@radix-ui/react-tabs';
import { useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, ClipboardPaste, ExternalLink, LibraryBig, PenLine } from 'lucide-react';
import { useDeferredValue, useId, useState } from 'react';
import type { CatalogEntry, ServerSummary } from '../../preload/contract/index.ts';
import { Callout, ErrorBanner } from '../components/error-banner.tsx';
import { Pill } from '../components/health-badge.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { ServerForm, type HeldSecrets } from '../components/server-form.tsx';
import { SkeletonRows } from '../components/skeleton.tsx';
import { useToast } from '../components/toaster.tsx';
import { useBridge } from '../hooks/bridge-context.tsx';
import { CommandError, useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { navigate, routeHref } from '../hooks/use-route.ts';
import { categoryLabel } from '../lib/format.ts';
import {
  emptyServerForm,
  fromDefinition,
  suggestPrefix,
  type ServerFormValues,
} from '../lib/server-form-model.ts';

type AddTab = 'form' | 'paste' | 'catalog';

/** Add a server: by hand, from a pasted client config snippet, or from the catalog (which fills the form). */
export function AddServerPage({ tab }: { tab: string | undefined }) {
  const current: AddTab = tab === 'paste' || tab === 'catalog' ? tab : 'form';
  const client = useQueryClient();
  const notify = useToast();
  const [seed, setSeed] = useState<{
    values: ServerFormValues;
    notice: string;
    held: HeldSecrets | null;
    key: number;
  }>({
    values: emptyServerForm(),
    notice: '',
    held: null,
    key: 0,
  });
  const go = (next: string) =>
    navigate({ page: 'add', tab: next === 'form' ? undefined : next }, { replace: true });
  const fill: FillForm = (values, notice, held = null) => {
    setSeed((s) => ({ values, notice, held, key: s.key + 1 }));
    go('form');
  };
  const onSaved = (summary: ServerSummary) => {
    void client.invalidateQueries({ queryKey: ['servers.list'] });
    notify(
      summary.health.status === 'needs_config'
        ? `Added ${summary.name}. It still needs ${summary.health.missing.join(', ') || 'some values'} before it can start.`
        : `Added ${summary.name}. Switchboard is starting it.`,
    );
    navigate({
      page: 'server',
      prefix: summary.prefix,
      tab: summary.health.status === 'needs_config' ? 'variables' : undefined,
    });
  };

  return (
    <>
      <a className="back-link" href={routeHref({ page: 'servers' })}>
        <ArrowLeft size={14} aria-hidden="true" /> Servers
      </a>
      <PageHeader
        title="Add a server"
        subtitle="Describe it yourself, paste a config snippet, or start from the catalog."
      />
      <Tabs.Root value={current} onValueChange={go} className="tabs">
        <Tabs.List className="tab-list" aria-label="Ways to add a server">
          <Tabs.Trigger value="form" className="tab">
            <PenLine size={14} aria-hidden="true" /> Form
          </Tabs.Trigger>
          <Tabs.Trigger value="paste" className="tab">
            <ClipboardPaste size={14} aria-hidden="true" /> Paste JSON
          </Tabs.Trigger>
          <Tabs.Trigger value="catalog" className="tab">
            <LibraryBig size={14} aria-hidden="true" /> Catalog
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="form" className="tab-panel">
          <ServerForm
            key={seed.key}
            initial={seed.values}
            onSaved={onSaved}
            heldSecrets={seed.held}
            notice={seed.notice ? <Callout tone="info">{seed.notice}</Callout> : undefined}
          />
        </Tabs.Content>
        <Tabs.Content value="paste" className="tab-panel">
          <SnippetPaste
            onFill={fill}
            onAddedAll={(added) => {
              notify(`Added ${added.length} servers: ${added.join(', ')}.`);
              navigate({ page: 'servers' });
            }}
          />
        </Tabs.Content>
        <Tabs.Content value="catalog" className="tab-panel">
          <CatalogPicker onFill={fill} />
        </Tabs.Content>
      </Tabs.Root>
    </>
  );
}

const SNIPPET_EXAMPLE = `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": { "GITHUB_TOKEN": "…" }
    }
  }
}`;

/** Fills the add form: values, a notice above it, and the secrets main holds for it. */
type FillForm = (values: ServerFormValues, notice: string, held?: HeldSecrets | null) => void;

/** Paste a Claude Desktop / Cursor / VS Code style snippet; main parses it into definitions. */
export function SnippetPaste({
  onFill,
  onAddedAll,
}: {
  onFill: FillForm;
  onAddedAll: (added: string[]) => void;
}) {
  const [text, setText] = useState('');
  const id = useId();
  const bridge = useBridge();
  const client = useQueryClient();
  const parse = useMutationCommand('servers.parseSnippet', {
    onSuccess: (result) => {
      const only = result.definitions[0];
      if (result.definitions.length === 1 && only) {
        const held = result.held[0] ?? null;
        onFill(fromDefinition(only), noticeFor(held, result.renamed, 'the pasted snippet'), held);
      }
    },
  });
  const [addAll, setAddAll] = useState<{ busy: boolean; error: unknown; added: string[] }>({
    busy: false,
    error: null,
    added: [],
  });

  const definitions = parse.data?.definitions ?? [];
  return (
    <div className="stack">
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          parse.mutate({ text });
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-snippet`}>Configuration snippet</label>
          <textarea
            id={`${id}-snippet`}
            className="mono"
            rows={10}
            spellCheck={false}
            placeholder={SNIPPET_EXAMPLE}
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-describedby={`${id}-snippet-hint`}
          />
          <p className="hint" id={`${id}-snippet-hint`}>
            The JSON from Claude Desktop, Cursor, VS Code or a README — with or without the surrounding
            “mcpServers”. Secret values in it never come back to this page: Switchboard keeps them for a few
            minutes and stores them, encrypted, when you add the server.
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="button primary" disabled={!text.trim() || parse.isPending}>
            {parse.isPending ? 'Reading…' : 'Read snippet'}
          </button>
        </div>
      </form>
      <ErrorBanner error={parse.error} title="The snippet could not be read" />
      {parse.data ? (
        <section aria-label="What the snippet contains" className="stack">
          {definitions.length === 0 ? <p className="muted">No server found in the snippet.</p> : null}
          {parse.data.renamed.length && definitions.length > 1 ? (
            <Callout tone="info">{renamedText(parse.data.renamed)}</Callout>
          ) : null}
          {parse.data.skipped.length ? (
            <Callout tone="warn">
              <strong>Skipped:</strong>
              <ul>
                {parse.data.skipped.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </Callout>
          ) : null}
          {definitions.length > 1 ? (
            <>
              <p>
                The snippet describes {definitions.length} servers. Review one in the form, or add them all as
                they are.
              </p>
              <ul className="rows">
                {definitions.map((def, index) => (
                  <li className="row" key={index}>
                    <div className="row-main">
                      <div className="row-title">
                        {String(def.name ?? def.prefix)}{' '}
                        <span className="mono muted small">{String(def.prefix)}</span>
                      </div>
                      <p className="row-sub mono small truncate">{String(def.command ?? def.url ?? '')}</p>
                    </div>
                    <button
                      type="button"
                      className="button small"
                      onClick={() => {
                        const held = parse.data?.held[index] ?? null;
                        onFill(
                          fromDefinition(def),
                          noticeFor(
                            held,
                            (parse.data?.renamed ?? []).filter((r) => r.to === def.prefix),
                            'the pasted snippet',
                          ),
                          held,
                        );
                      }}
                      aria-label={`Review ${String(def.prefix)}`}
                    >
                      Review
                    </button>
                  </li>
                ))}
              </ul>
              <div className="button-row">
                <button
                  type="button"
                  className="button primary"
                  disabled={addAll.busy}
                  onClick={async () => {
                    setAddAll({ busy: true, error: null, added: [] });
                    const added: string[] = [];
                    try {
                      for (const [index, definition] of definitions.entries()) {
                        const held = parse.data?.held[index];
                        const result = await bridge.invoke('servers.add', {
                          definition,
                          ...(held ? { heldSecrets: held.handle } : {}),
                        });
                        if (!result.ok) throw new CommandError(result.error);
                        added.push(result.value.prefix);
                      }
                      setAddAll({ busy: false, error: null, added });
                      void client.invalidateQueries({ queryKey: ['servers.list'] });
                      onAddedAll(added);
                    } catch (error) {
                      setAddAll({ busy: false, error, added });
                      void client.invalidateQueries({ queryKey: ['servers.list'] });
                    }
                  }}
                >
                  Add all {definitions.length}
                </button>
              </div>
              {addAll.error ? (
                <ErrorBanner
                  error={addAll.error}
                  title={
                    addAll.added.length
                      ? `Added ${addAll.added.join(', ')}, then stopped`
                      : 'Nothing was added'
                  }
                />
              ) : null}
            </>
          ) : null}
          {parse.data.secretNames.length && definitions.length > 1 ? (
            <Callout tone="info">
              {parse.data.secretNames.join(', ')} {parse.data.secretNames.length === 1 ? 'looks' : 'look'}{' '}
              secret: the values are kept out of this page and stored, encrypted, with the servers you add.
            </Callout>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function noticeFor(
  held: HeldSecrets | null,
  renamed: readonly { from: string; to: string }[],
  source: string,
): string {
  const parts = [`Filled from ${source}. Review the fields, then add the server.`];
  if (renamed.length) parts.push(renamedText(renamed));
  if (held?.names.length) {
    const names = held.names.join(', ');
    parts.push(
      `${names} ${held.names.length === 1 ? 'looks' : 'look'} secret: ${held.names.length === 1 ? 'its value was' : 'their values were'} read but not shown here, and ${held.names.length === 1 ? 'is' : 'are'} stored, encrypted, when you add the server.`,
    );
  }
  return parts.join(' ');
}

function renamedText(renamed: readonly { from: string; to: string }[]): string {
  return renamed
    .map(
      (r) =>
        `A server named “${r.from}” already exists here, so this one gets the prefix “${r.to}” (change it if you like).`,
    )
    .join(' ');
}

const AUTH_LABEL: Record<CatalogEntry['authKind'], { text: string; tone: 'neutral' | 'warn' | 'auth' }> = {
  none: { text: 'No setup', tone: 'neutral' },
  env: { text: 'Needs an API key', tone: 'warn' },
  oauth: { text: 'Sign-in', tone: 'auth' },
};

/** The curated catalog: search, filter by category, and "Use" fills the add form for the person to complete. */
export function CatalogPicker({ onFill }: { onFill: FillForm }) {
  const [text, setText] = useState('');
  const [category, setCategory] = useState('');
  const deferredText = useDeferredValue(text.trim());
  const id = useId();
  const categories = useCommand('catalog.categories', {});
  const results = useCommand(
    'catalog.search',
    {
      ...(deferredText ? { text: deferredText } : {}),
      ...(category ? { category } : {}),
    },
    { placeholderData: (previous) => previous },
  );
  const template = useMutationCommand('catalog.template');
  const [pendingId, setPendingId] = useState<string | null>(null);

  return (
    <div className="stack">
      <div className="toolbar">
        <SearchBox label="Search the catalog" value={text} onChange={setText} />
        <label htmlFor={`${id}-cat`} className="sr-only">
          Category
        </label>
        <select
          id={`${id}-cat`}
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          className="compact"
        >
          <option value="">All categories</option>
          {categories.data?.map((c) => (
            <option key={c} value={c}>
              {categoryLabel(c)}
            </option>
          ))}
        </select>
      </div>
      <ErrorBanner error={results.error ?? template.error} />
      {results.isPending ? (
        <SkeletonRows rows={4} height={96} label="Loading the catalog…" />
      ) : results.data && results.data.length === 0 ? (
        <p className="muted">Nothing in the catalog matches. You can still add the server with the form.</p>
      ) : (
        <ul className="catalog-grid" aria-label="Catalog entries">
          {results.data?.map((entry) => (
            <li key={entry.id} className="catalog-card">
              <div className="catalog-head">
                <h3>{entry.name}</h3>
                <Pill tone={AUTH_LABEL[entry.authKind].tone}>{AUTH_LABEL[entry.authKind].text}</Pill>
              </div>
              <p className="clamp-3">{entry.description}</p>
              <div className="catalog-foot">
                <span className="muted small">
                  {categoryLabel(entry.category)} · {entry.transport === 'stdio' ? 'local' : 'remote'}
                </span>
                <span className="catalog-actions">
                  <a
                    className="icon-link"
                    href={entry.homepage}
                    target="_blank"
                    rel="noreferrer noopener"
                    aria-label={`Homepage of ${entry.name}`}
                    title="Homepage"
                  >
                    <ExternalLink size={14} aria-hidden="true" />
                  </a>
                  <button
                    type="button"
                    className="button small primary"
                    disabled={template.isPending}
                    aria-label={`Use ${entry.name}`}
                    onClick={() => {
                      setPendingId(entry.id);
                      template.mutate(
                        { id: entry.id, prefix: suggestPrefix(entry.id) || 'server' },
                        {
                          onSuccess: (definition) =>
                            onFill(
                              fromDefinition(definition),
                              `Filled from the catalog entry “${entry.name}”. Check the prefix and fill what is missing, then add it.`,
                            ),
                          onSettled: () => setPendingId(null),
                        },
                      );
                    }}
                  >
                    {pendingId === entry.id ? 'Loading…' : 'Use'}
                  </button>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
