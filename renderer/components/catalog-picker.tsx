import { ExternalLink } from 'lucide-react';
import { useDeferredValue, useId, useState } from 'react';
import type { CatalogEntry } from '../../preload/contract/index.ts';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { categoryLabel } from '../lib/format.ts';
import { fromDefinition, suggestPrefix } from '../lib/server-form-model.ts';
import { ErrorBanner } from './error-banner.tsx';
import { Pill } from './health-badge.tsx';
import { SearchBox } from './search-box.tsx';
import type { FillForm } from './server-form.tsx';
import { SkeletonRows } from './skeleton.tsx';

/** The badge on a catalog card: how much setup the entry needs before it can start. */
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
